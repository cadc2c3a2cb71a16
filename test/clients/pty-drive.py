# Runs a terminal program in a pseudo-terminal, types the given keys, and prints the screen
# output: for clients with no batch mode (aerc). argv: program args...; stdin: steps separated
# by "|", each keys to type (Python escapes: \r is Enter), "sleepN" to wait N seconds, or
# "wait:TEXT" to wait (at most 20 s) until TEXT is on the screen (spaces aside: programs move
# the cursor instead of writing them).
import os, pty, re, select, sys, time

pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
out = b''


def pump(seconds):
    global out
    end = time.time() + seconds
    while time.time() < end:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                out += os.read(fd, 65536)
            except OSError:
                return


def screen():
    return re.sub(r'\x1b\[[0-9;?]*[A-Za-z]', '', out.decode('utf8', 'replace'))


for step in sys.stdin.read().split('|'):
    if step.startswith('wait:'):
        end = time.time() + 20
        while step[5:].replace(' ', '') not in screen().replace(' ', '') and time.time() < end:
            pump(0.2)
    elif step.startswith('sleep'):
        pump(float(step[5:]))
    else:
        os.write(fd, step.encode().decode('unicode_escape').encode())
        pump(0.5)
sys.stdout.write(out.decode('utf8', 'replace'))
try:
    os.kill(pid, 9)
except ProcessLookupError:
    pass
