# Runs Claws Mail on a private X server (Xvfb) as a user would: starts it with the HOME it is
# given, then asks the running instance, with its own remote commands, to receive mail for all
# accounts (`claws-mail --receive-all`) or to compose a message (`--compose mailto:…`, sent with
# Ctrl+Enter). Each dialog Claws opens is answered as a person would: the password (stdin) typed
# into its password dialog (the export holds none), a new certificate accepted, the spell
# checker's complaint closed. Done when a file under DIR holds TEXT (looked for again after Claws
# exits, as it writes its IMAP cache then).
# argv: --until DIR TEXT [--compose-to ADDRESS SUBJECT]
# Prints the dialog titles seen and FOUND, NOT FOUND or TIMEOUT; exit 0 only when found.
import os, signal, subprocess, sys, time
from urllib.parse import quote

# Inside the test's own 20 s, so the test reads what was seen; SIGTERM still cleans up.
DEADLINE = time.time() + 16
signal.signal(signal.SIGTERM, lambda *_: sys.exit(2))
password = sys.stdin.read()
args = sys.argv[1:]
until_dir, until_text = args[args.index('--until') + 1], args[args.index('--until') + 2]
compose = args[args.index('--compose-to') + 1:args.index('--compose-to') + 3] if '--compose-to' in args else None

# What Xvfb and Claws say goes to files beside the profile, printed when no window comes.
xvfb_log = os.path.join(os.environ['HOME'], '.drive-xvfb.log')
claws_log = os.path.join(os.environ['HOME'], '.drive-claws.log')
r, w = os.pipe()
xvfb = subprocess.Popen(['Xvfb', '-displayfd', str(w), '-screen', '0', '1024x768x24', '-nolisten', 'tcp'], pass_fds=[w], stderr=open(xvfb_log, 'w'))
os.close(w)
display = ':' + os.read(r, 16).decode().strip()
# Claws finds a running instance through a socket in TMPDIR: a private one, so this run never
# hands its commands to another Claws.
tmp = os.path.join(os.environ['HOME'], '.drive-tmp')
os.makedirs(tmp, exist_ok=True)
env = {**os.environ, 'DISPLAY': display, 'TMPDIR': tmp}
claws = None
seen = []


def tail(path, n=600):
    try:
        with open(path, errors='replace') as fh:
            return fh.read()[-n:].strip()
    except OSError:
        return ''


def no_window(why):
    print('windows: ' + ' | '.join(seen))
    print(f'{why} (display {display}, Xvfb {"running" if xvfb.poll() is None else f"exited {xvfb.returncode}"})')
    print('claws-mail said: ' + tail(claws_log))
    print('Xvfb said: ' + tail(xvfb_log))


def xdo(*a, stdin=None):
    return subprocess.run(['xdotool', *a], env=env, input=stdin, capture_output=True, text=True, timeout=5)


def windows(name):
    out = xdo('search', '--onlyvisible', '--name', name).stdout
    return [w for w in out.split() if w]


def found():
    # DIR itself and, for a Maildir, its new/ and cur/: not its subfolders (an IMAP queue
    # folder, say, is not the inbox).
    for sub in ('', 'new', 'cur'):
        folder = os.path.join(until_dir, sub)
        for f in os.listdir(folder) if os.path.isdir(folder) else []:
            try:
                with open(os.path.join(folder, f), 'rb') as fh:
                    if until_text.encode() in fh.read():
                        return True
            except OSError:
                pass
    return False


try:
    claws = subprocess.Popen(['claws-mail'], env=env, stdout=subprocess.DEVNULL, stderr=open(claws_log, 'w'))
    typed = set()
    sent = False
    asked = False
    log = os.path.join(os.environ['HOME'], '.claws-mail', 'claws.log')
    last_size, quiet_since = -1, time.time()
    while time.time() < DEADLINE:
        # Once the main window is up (its title names Claws Mail), ask it once: compose, or receive.
        # At start, an IMAP account already connects (and may open dialogs first).
        if not asked and claws.poll() is not None:
            no_window(f'claws-mail exited {claws.returncode} before its main window came up')
            sys.exit(1)
        if not asked and windows('Claws Mail [0-9]'):
            asked = True
            command = ['--compose', f'mailto:{compose[0]}?subject={quote(compose[1])}&body=sent%20by%20Claws%20Mail'] if compose else ['--receive-all']
            subprocess.Popen(['claws-mail', *command], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        dialogs = windows('^Input password|Compose message$|^TLS certificate|^Error$')
        for wid in dialogs:
            title = xdo('getwindowname', wid).stdout.strip()
            if title not in seen:
                seen.append(title)
            if title.startswith('Input password') and wid not in typed:
                typed.add(wid)
                xdo('windowfocus', '--sync', wid)
                xdo('type', '--delay', '5', '--file', '-', stdin=password)
                xdo('key', 'Return')
            elif title.startswith('TLS certificate') and wid not in typed:
                # Claws asks about every certificate it has not seen before, valid or not;
                # a person accepts it ("_Accept and save").
                typed.add(wid)
                xdo('windowfocus', '--sync', wid)
                xdo('key', 'alt+a')
            elif title == 'Error' and wid not in typed:
                # Without word lists the composer opens with "Spell checker could not be
                # started"; a person closes it. Any other error leaves the test failing.
                typed.add(wid)
                xdo('windowfocus', '--sync', wid)
                xdo('key', 'Return')
            elif title.endswith('Compose message') and not sent:
                sent = True
                xdo('windowfocus', '--sync', wid)
                xdo('key', 'ctrl+Return')
        if found():
            print('windows: ' + ' | '.join(seen))
            print('FOUND')
            sys.exit(0)
        # IMAP: Claws keeps what it read in memory and writes its cache when it exits; once its
        # network log has been quiet for 2.5 s, exit it and look again.
        size = os.path.getsize(log) if os.path.exists(log) else 0
        if size != last_size or dialogs:
            last_size, quiet_since = size, time.time()
        elif asked and size and time.time() - quiet_since > 2.5:
            subprocess.run(['claws-mail', '--exit'], env=env, timeout=10, capture_output=True)
            try:
                claws.wait(8)
            except subprocess.TimeoutExpired:
                pass
            print('windows: ' + ' | '.join(seen))
            print('FOUND' if found() else 'NOT FOUND')
            sys.exit(0 if found() else 1)
        time.sleep(0.3)
    print('windows: ' + ' | '.join(seen))
    names = [xdo('getwindowname', w).stdout.strip() for w in xdo('search', '--onlyvisible', '--name', '.').stdout.split()]
    print('open: ' + ' | '.join(n for n in names if n))
    if not asked:
        no_window('no main window')
    print('TIMEOUT')
    sys.exit(1)
finally:
    if claws and claws.poll() is None:
        subprocess.run(['claws-mail', '--exit'], env=env, timeout=10, capture_output=True)
        try:
            claws.wait(5)
        except subprocess.TimeoutExpired:
            claws.kill()
            claws.wait()
    xvfb.terminate()
    xvfb.wait()
