# A syslog socket for one bench server that logs only through syslog(3) (Cyrus IMAP): binds a
# datagram socket at argv[1] and appends each message, one per line, to argv[2]. The bench
# mounts the socket's folder over /dev in the server's own mount namespace, so the server's
# /dev/log is this socket and nothing reaches (or needs) the machine's syslog.
import os
import socket
import sys

path, out = sys.argv[1], sys.argv[2]
try:
    os.unlink(path)
except FileNotFoundError:
    pass
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
os.chmod(path, 0o666)
print('ready', flush=True)
with open(out, 'ab', buffering=0) as f:
    while True:
        f.write(s.recv(65536).rstrip(b'\0\n') + b'\n')
