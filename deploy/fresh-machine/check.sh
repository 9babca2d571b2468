#!/bin/bash
# A new trainer on a fresh Debian 12 with no network: install from the USB bundle, then
# run a classroom by the trainer's guide, step by step (docs/classroom.md, "A fresh
# machine, offline").
#
#   sudo deploy/fresh-machine/check.sh SCRATCH [BUNDLE.zip]
#
# SCRATCH is a folder outside the repository (about 1.5 GB). The first run makes a fresh
# Debian 12 there with debootstrap (`SCRATCH/pristine`, about 350 MB downloaded from the
# Debian registry; needs `apt-get install debootstrap`); every run copies it to
# `SCRATCH/root` and works in that copy with no network at all (its own empty network
# namespace with only the loopback). BUNDLE is the zip `dgt bundle` wrote (default:
# book/_build/dgt-lab-bundle.zip). The commands are taken from the bundle's README and
# the guide's chapter, not typed here, so a change there is what runs. Each step prints
# PASS or FAIL with its time; the first failure stops the run. At the end, or on Ctrl+C,
# the room is stopped, every process in the fresh root is killed, and everything mounted
# is unmounted; the host's accounts are never touched (the fresh root has its own).
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
SCRATCH="${1:?usage: check.sh SCRATCH [BUNDLE.zip]}"
BUNDLE="${2:-$REPO/book/_build/dgt-lab-bundle.zip}"
ROOT="$SCRATCH/root"
NETNS="dgt-fresh-$$"
GUIDE="$REPO/book/trainers-guide.md"

[ "$(id -u)" = 0 ] || { echo "check.sh: run it as root (it mounts, chroots and makes a network namespace)"; exit 1; }
[ -f "$BUNDLE" ] || { echo "check.sh: no bundle at $BUNDLE: run 'dgt bundle' first"; exit 1; }
mkdir -p "$SCRATCH"
SCRATCH="$(cd "$SCRATCH" && pwd)"
ROOT="$SCRATCH/root"
case "$SCRATCH/" in "$REPO"/*) echo "check.sh: SCRATCH must be outside the repository"; exit 1 ;; esac

if [ ! -x "$SCRATCH/pristine/usr/bin/python3.11" ]; then
    command -v debootstrap >/dev/null || { echo "check.sh: needs debootstrap: apt-get install debootstrap"; exit 1; }
    echo "Making a fresh Debian 12 with python3.11 in $SCRATCH/pristine (downloads about 350 MB) ..."
    rm -rf "$SCRATCH/pristine"
    debootstrap --include=python3.11 bookworm "$SCRATCH/pristine" http://deb.debian.org/debian >"$SCRATCH/debootstrap.log"
fi

cleanup() {
    set +e
    if [ -d "$ROOT/opt/dgt-lab/.venv" ] && ip netns list | grep -q "^$NETNS"; then
        in_root 'PATH=/opt/dgt-lab/.venv/bin:$PATH dgt classroom stop' >/dev/null 2>&1
    fi
    for proc in /proc/[0-9]*; do
        [ "$(readlink "$proc/root" 2>/dev/null)" = "$ROOT" ] && kill -9 "${proc#/proc/}" 2>/dev/null
    done
    sleep 1
    for mount in dev/pts dev sys proc; do
        mountpoint -q "$ROOT/$mount" && umount -R "$ROOT/$mount"
    done
    ip netns del "$NETNS" 2>/dev/null
    # The fresh root's accounts had control groups on the host's cgroup tree: remove theirs.
    for user in $ACCOUNTS; do
        for kind in memory pids; do
            rmdir "/sys/fs/cgroup/$kind/dgt-classroom/$user" 2>/dev/null
        done
    done
}
ACCOUNTS=""
trap cleanup EXIT

echo "Copying the fresh Debian 12 to $ROOT ..."
rm -rf "$ROOT"
cp -a "$SCRATCH/pristine" "$ROOT"
# Debian's installer names the machine in /etc/hosts; debootstrap does not. JupyterHub
# reaches its proxy by the host name when it listens on every address (--lan).
printf '127.0.1.1\t%s\n' "$(hostname)" >>"$ROOT/etc/hosts"

mkdir -p "$ROOT/media/usb" "$ROOT/opt/dgt-lab" "$ROOT/opt/fresh"
python3 -m zipfile -e "$BUNDLE" "$ROOT/media/usb/"
git -C "$REPO" archive HEAD | tar -x -C "$ROOT/opt/dgt-lab"
cp "$HERE/room_client.py" "$ROOT/opt/fresh/"
cat >"$ROOT/root/trainees.csv" <<'CSV'
trainee_id,name,ppa,email,name_lo
sv01,Synthetic Trainee One,Savannakhet,,
sv02,Synthetic Trainee Two,Vientiane Capital,,
CSV

mount -t proc proc "$ROOT/proc"
mount --rbind /sys "$ROOT/sys" && mount --make-rslave "$ROOT/sys"
mount --bind /dev "$ROOT/dev"
mount --bind /dev/pts "$ROOT/dev/pts"
ip netns add "$NETNS"
ip netns exec "$NETNS" ip link set lo up

in_root() {
    # A root login on the fresh machine, with no network: only the loopback.
    ip netns exec "$NETNS" chroot "$ROOT" /usr/bin/env -i HOME=/root TERM=dumb LANG=C.UTF-8 \
        PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin /bin/bash -c "cd /root && $1"
}

step() {
    local name="$1" command="$2" started=$SECONDS
    if out="$(in_root "$command" 2>&1)"; then
        printf 'PASS %4ss  %s\n' "$((SECONDS - started))" "$name"
        [ -z "${VERBOSE:-}" ] || printf '%s\n' "$out" | sed 's/^/      /'
    else
        printf 'FAIL %4ss  %s\n' "$((SECONDS - started))" "$name"
        printf '%s\n' "$out" | tail -25 | sed 's/^/      /'
        exit 1
    fi
    LAST="$out"
}

# The shell blocks of a Markdown section, one command per line; `sudo ` dropped (the
# guide says to leave it out in a root shell).
blocks() {
    python3 - "$1" "$2" "$3" <<'PY'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
start = text.index(sys.argv[2])
end = text.find(sys.argv[3], start + 1) if sys.argv[3] else len(text)
for block in re.findall(r"```sh\n(.*?)```", text[start:end], flags=re.S):
    lines = [re.sub(r"^\s*sudo ", "", line) for line in block.splitlines() if line.strip()]
    print(" && ".join(lines).replace("\n", " "))
PY
}

# The guide's inline command `dgt ...` must be there as written, and is what runs.
guide_says() {
    grep -qF "$1" "$GUIDE" || { echo "FAIL        the guide no longer says '$1'"; exit 1; }
}

echo "The fresh machine (no network; bundle $(du -m "$BUNDLE" | cut -f1) MB):"
step "no network inside" '! python3.11 -c "import socket; socket.create_connection((\"151.101.2.132\", 80), 3)"'
step "fresh Debian 12 has python3.11, no python3-venv, no proxy" \
    'grep -q "VERSION_CODENAME=bookworm" /etc/os-release && python3.11 -c "" && ! python3.11 -c "import ensurepip" 2>/dev/null && ! command -v configurable-http-proxy'

README="$ROOT/media/usb/dgt-lab/README.md"
mapfile -t readme < <(blocks "$README" "## Run a classroom" "## What is where")
[ "${#readme[@]}" = 2 ] || { echo "FAIL        the bundle README's classroom part has ${#readme[@]} command blocks, not 2"; exit 1; }
step "README: check the debs' sums, install them (apt, offline)" "cd /media/usb/dgt-lab && ${readme[0]}"
step "README: the proxy runs" "configurable-http-proxy --version"
step "README: install the lab from the wheelhouse into /opt/dgt-lab" "${readme[1]}"

mapfile -t guide < <(blocks "$GUIDE" "## 11. Running a classroom" "## 12.")
LAB='export PATH=/opt/dgt-lab/.venv/bin:$PATH'  # the guide: "export PATH=/opt/dgt-lab/.venv/bin:$PATH"
guide_says 'export PATH=/opt/dgt-lab/.venv/bin:$PATH'
step "guide 3: workspace and roster import" "$LAB && ${guide[0]}"
step "guide 4: accounts and login cards" "$LAB && ${guide[1]}"
ACCOUNTS="trainer sv01 sv02"
password() { printf '%s\n' "$ACCOUNTS_OUT" | awk -v u="$1" '$1 == u {print $2}'; }
ACCOUNTS_OUT="$LAST"
printf '%s\n' "$LAST" | grep -q "Login cards: /var/lib/dgt-classroom/login-cards" || { echo "FAIL        no login cards"; exit 1; }
step "guide 4: the cards hold every account" \
    "grep -q sv01 /var/lib/dgt-classroom/login-cards.* && grep -q sv02 /var/lib/dgt-classroom/login-cards.* && grep -q trainer /var/lib/dgt-classroom/login-cards.*"
step "guide 5: dgt classroom start --lan" "$LAB && ${guide[2]}"
CLIENT="/opt/dgt-lab/.venv/bin/python /opt/fresh/room_client.py"
T="$(password trainer)" A="$(password sv01)" B="$(password sv02)"
step "guide 6: trainee sv01 logs in, sees lessons, runs Python" "$CLIENT trainee sv01 $A check"
step "guide 6: trainee sv02 logs in, sees lessons, runs Python" "$CLIENT trainee sv02 $B check"
step "a wrong password is refused" "$CLIENT wrong sv02 $B"
step "guide 7: trainer's Formgrader in its own tab" "$CLIENT get trainer $T /user/trainer/formgrader"
for command in "dgt grade release B1-foundations"; do guide_says "$command"; done
step "guide 8: release, in the trainer's terminal" "$CLIENT trainer $T terminal 'dgt grade release B1-foundations'"
step "guide 8: both fetch, sv01 answers, both submit" \
    "$CLIENT trainee sv01 $A fetch && $CLIENT trainee sv02 $B fetch && $CLIENT trainee sv01 $A answer /opt/dgt-lab/exercises/B1-foundations/B1-foundations.ipynb && $CLIENT trainee sv01 $A submit && $CLIENT trainee sv02 $B submit"
for command in "dgt grade collect B1-foundations" "dgt grade autograde" "dgt grade feedback B1-foundations --release"; do
    guide_says "$command"
done
step "guide 9: collect" "$CLIENT trainer $T terminal 'dgt grade collect B1-foundations'"
step "guide 9: autograde" "$CLIENT trainer $T terminal 'dgt grade autograde B1-foundations'"
step "guide 10: feedback --release" "$CLIENT trainer $T terminal 'dgt grade feedback B1-foundations --release'"
step "guide 10: both fetch feedback with their scores" \
    "$CLIENT trainee sv01 $A feedback && $CLIENT trainee sv02 $B feedback"
printf '%s\n' "$LAST" | sed 's/^/      /'
step "the apps: /services/apps/ for a logged-in trainee" "$CLIENT get sv01 $A /services/apps/"
guide_says "sudo dgt classroom ready egdi-explorer"
step "the apps: the EGDI explorer made ready for the room" "$LAB && ${guide[3]}"
printf '%s\n' "$LAST" | grep -q "'EGDI explorer' is being made ready for" || { echo "FAIL        ready said: $LAST"; exit 1; }
guide_says "dgt classroom status"
step "dgt classroom status" "$LAB && dgt classroom status"
guide_says "dgt classroom accounts --reset sv07"
step "guide 4: a lost card: --reset gives sv02 a new password" "$LAB && dgt classroom accounts --reset sv02"
B="$(printf '%s\n' "$LAST" | awk '$1 == "sv02" {print $2}')"
step "sv02 logs in with the new password" "$CLIENT trainee sv02 $B check"
guide_says "sudo dgt classroom stop"
step "dgt classroom stop" "$LAB && dgt classroom stop"
step "no process of the room is left" "! ps -eo user= | grep -qE '^(sv01|sv02|trainer|nobody) '"
guide_says "sudo dgt classroom start --lan\` the next morning"
step "the next morning: start brings the same room back" "$LAB && dgt classroom start --lan"
step "sv01's answers and feedback are still there" \
    "$CLIENT trainee sv01 $A check && test -s /home/sv01/B1-foundations/B1-foundations.ipynb && ls /home/sv01/B1-foundations/feedback/*/*.html"
step "dgt classroom stop, again" "$LAB && dgt classroom stop"
step "no process of the room is left, again" "! ps -eo user= | grep -qE '^(sv01|sv02|trainer|nobody) '"
echo "All steps passed."
