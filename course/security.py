"""Safe digital work (module A2): password estimates, phishing red flags, 3-2-1 backup plans.

Every number here is an estimate a trainee can compute by hand:

- a random password of `length` characters from an alphabet of `size` characters has
  at most `length × log2(size)` bits; a passphrase of `words` words picked at random
  from a list of `size` words has `words × log2(size)` bits. The estimate is an upper
  bound: it assumes each character or word was chosen at random. Names, dates, common
  words and keyboard patterns are guessed first, so such a password is much weaker.
- an attacker needs at most 2**bits guesses (on average half of that); at a stated
  guess rate that gives a time to try them all.

The phishing rules are deliberately simple (domain lists and key words); a person still
decides. Invalid input raises `UserError` with a message from the catalogue.
"""

from __future__ import annotations

import math
import numbers
import re
import string
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd

from course.errors import UserError
from course.messages import t

# Passwords ------------------------------------------------------------------------------

#: Character classes and their sizes. "symbols" are the 32 ASCII punctuation marks plus
#: the space; "other" (for example Lao letters) counts as 128, the size of the Unicode
#: Lao block (U+0E80-U+0EFF): a generous assumption, as the whole estimate is.
CHARACTER_CLASSES: dict[str, int] = {
    "lower": 26,
    "upper": 26,
    "digits": 10,
    "symbols": 33,
    "other": 128,
}

#: The number of words in a Diceware-style word list (five dice: 6**5).
DICEWARE_WORDS = 7776

#: Guess rates used in the lessons (guesses per second). These are ASSUMPTIONS for the
#: exercise, not measurements: a login page that limits attempts allows a few guesses a
#: second at most; an attacker who has stolen a weakly protected password file can try
#: billions a second on one graphics card (real rates range from thousands to more than
#: 100 billion, depending on how the passwords are stored).
GUESS_RATES: dict[str, float] = {"online": 10.0, "offline": 1e10}

#: Words and names that password guessers try first (a short, illustrative list).
COMMON_WORDS: tuple[str, ...] = (
    "password",
    "admin",
    "welcome",
    "qwerty",
    "letmein",
    "iloveyou",
    "monkey",
    "dragon",
    "sunshine",
    "secret",
    "lao",
    "laos",
    "sabaidee",
    "ppa",
    "office",
)

#: Rows of a keyboard and runs of letters and digits that people type as "patterns".
_RUNS = ("abcdefghijklmnopqrstuvwxyz", "0123456789", "qwertyuiop", "asdfghjkl", "zxcvbnm")
_LEET = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"}
)

#: Pattern checks, in the order they are reported.
WEAKNESSES = ("common_word", "year", "repeat", "sequence", "one_kind")

#: Ratings by bits (the course's rule of thumb, based on the offline guess rate above).
RATING_LIMITS = (("weak", 50.0), ("fair", 70.0))


def _is_number(value: object) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)


def _whole_number(value: object, name: str, low: int) -> int:
    if not _is_number(value) or value != int(value) or int(value) < low:
        raise UserError(t("security.error.not_whole", name=name, value=value, low=low))
    return int(value)


def character_classes(password: str) -> list[str]:
    """Return the character classes a password uses, e.g. ["lower", "digits"]."""
    if not isinstance(password, str) or password == "":
        raise UserError(t("security.error.empty_password"))
    found = set()
    for char in password:
        if char in string.ascii_lowercase:
            found.add("lower")
        elif char in string.ascii_uppercase:
            found.add("upper")
        elif char in string.digits:
            found.add("digits")
        elif char in string.punctuation or char == " ":
            found.add("symbols")
        else:
            found.add("other")
    return [name for name in CHARACTER_CLASSES if name in found]


def alphabet_size(password: str) -> int:
    """Return the size of the alphabet a password draws from: the sum of its classes' sizes."""
    return sum(CHARACTER_CLASSES[name] for name in character_classes(password))


def entropy_bits(length: int, alphabet: int) -> float:
    """Return length × log2(alphabet): the bits of a password of random characters."""
    length = _whole_number(length, "length", 1)
    alphabet = _whole_number(alphabet, "alphabet", 2)
    return length * math.log2(alphabet)


def passphrase_bits(words: int, wordlist: int = DICEWARE_WORDS) -> float:
    """Return words × log2(wordlist): the bits of a passphrase of words picked at random."""
    words = _whole_number(words, "words", 1)
    wordlist = _whole_number(wordlist, "wordlist", 2)
    return words * math.log2(wordlist)


def guesses(bits: float) -> float:
    """Return 2**bits: the number of guesses needed to try every possibility."""
    if not _is_number(bits) or not 0 <= bits <= 1000:
        raise UserError(t("security.error.bad_bits", bits=bits))
    return 2.0**bits


def _rate(guesses_per_second: float | str) -> float:
    if isinstance(guesses_per_second, str):
        if guesses_per_second not in GUESS_RATES:
            raise UserError(
                t(
                    "security.error.unknown_rate",
                    rate=guesses_per_second,
                    known=", ".join(GUESS_RATES),
                )
            )
        return GUESS_RATES[guesses_per_second]
    if not _is_number(guesses_per_second) or not guesses_per_second > 0:
        raise UserError(t("security.error.bad_rate", rate=guesses_per_second))
    return float(guesses_per_second)


def seconds_to_try_all(bits: float, guesses_per_second: float | str = "offline") -> float:
    """Return the seconds needed to try all 2**bits guesses (on average half of it finds it).

    `guesses_per_second` is a number or a name from GUESS_RATES ("online", "offline").
    """
    return guesses(bits) / _rate(guesses_per_second)


def years_to_try_all(bits: float, guesses_per_second: float | str = "offline") -> float:
    """Return the years (of 365 days) needed to try all 2**bits guesses."""
    return seconds_to_try_all(bits, guesses_per_second) / (365 * 24 * 3600)


def readable_time(seconds: float) -> str:
    """Return a duration in plain words: "less than a second", "3 hours", "2.5 million years"."""
    if not _is_number(seconds) or not seconds >= 0:
        raise UserError(t("security.error.bad_seconds", seconds=seconds))
    if seconds < 1:
        return t("security.time.instant")
    units = (("minutes", 60), ("hours", 3600), ("days", 86400), ("years", 365 * 86400))
    name, size = "seconds", 1
    for unit, unit_size in units:
        if seconds >= unit_size:
            name, size = unit, unit_size
    amount = seconds / size
    if name == "years":
        for word, scale in (("billion", 1e9), ("million", 1e6), ("thousand", 1e3)):
            if amount >= scale:
                return t(f"security.time.{word}_years", n=f"{amount / scale:,.1f}")
    return t(f"security.time.{name}", n=f"{amount:,.1f}")


def weaknesses(password: str) -> list[str]:
    """Return the patterns that make a password easier to guess than its bits suggest.

    The checks: a common word or a Lao province name (also with 0 for o, @ for a, ...);
    a year from 1940 to 2039; a character repeated three times; a run of four such as
    "1234", "abcd" or "qwer"; and a password of one kind of character only.
    """
    from course import data

    character_classes(password)  # validates
    lowered = password.lower()
    folded = lowered.translate(_LEET)
    words = list(COMMON_WORDS) + [
        re.sub(r"[^a-z]", "", name.lower()) for name in data.provinces()["name_en"]
    ]
    found = []
    if any(word in folded or word in lowered for word in words):
        found.append("common_word")
    if re.search(r"(19[4-9]\d|20[0-3]\d)", password):
        found.append("year")
    if re.search(r"(.)\1\1", lowered):
        found.append("repeat")
    runs = [run[i : i + 4] for run in _RUNS for i in range(len(run) - 3)]
    if any(run in lowered or run[::-1] in lowered for run in runs):
        found.append("sequence")
    if len(character_classes(password)) == 1:
        found.append("one_kind")
    return found


def rating(bits: float, patterns: Sequence[str] = ()) -> str:
    """Return "weak", "fair" or "strong": weak below 50 bits or with any pattern found."""
    if patterns:
        return "weak"
    for name, limit in RATING_LIMITS:
        if bits < limit:
            return name
    return "strong"


@dataclass(frozen=True)
class Estimate:
    """The strength estimate of one password."""

    length: int
    alphabet: int
    bits: float
    patterns: tuple[str, ...]
    rating: str

    def describe(self, guesses_per_second: float | str = "offline") -> str:
        """One line in plain words: bits, time to try all guesses, rating, patterns."""
        text = t(
            "security.estimate",
            length=self.length,
            alphabet=self.alphabet,
            bits=f"{self.bits:.1f}",
            rate=f"{_rate(guesses_per_second):,.0f}",
            time=readable_time(seconds_to_try_all(self.bits, guesses_per_second)),
            rating=t(f"security.rating.{self.rating}"),
        )
        for pattern in self.patterns:
            text += " " + t(f"security.weakness.{pattern}")
        return text

    def __str__(self) -> str:
        return self.describe()


def estimate(password: str) -> Estimate:
    """Estimate a password's strength by counting characters (an upper bound; see module doc)."""
    alphabet = alphabet_size(password)
    bits = entropy_bits(len(password), alphabet)
    patterns = tuple(weaknesses(password))
    return Estimate(len(password), alphabet, bits, patterns, rating(bits, patterns))


# Phishing -------------------------------------------------------------------------------

#: The mail domains our (fictitious) office trusts. example.org and .invalid are names
#: reserved for examples (RFC 2606), so no real organisation is shown in a phishing case.
TRUSTED_DOMAINS: tuple[str, ...] = ("ppa.example.org", "na.example.org", "province.example.org")

#: The red flags, in the order they are reported.
RED_FLAGS = ("sender_domain", "urgency", "asks_password", "suspicious_link")

_URGENCY = re.compile(
    r"\b(urgent|urgently|immediately|right now|as soon as possible|within 24 hours|today|"
    r"final warning|last chance|will be closed|will be deleted|suspended|expires?)\b",
    re.IGNORECASE,
)
_PASSWORD = re.compile(
    r"\b(password|passcode|pin|login details|log-in details|verify your account|"
    r"confirm your account|one-time code|otp)\b",
    re.IGNORECASE,
)
_LINK = re.compile(r"https?://([^/\s:?#]+)", re.IGNORECASE)
_IP = re.compile(r"^\d{1,3}(\.\d{1,3}){3}$")


def domain_of(address: str) -> str:
    """Return the domain of an e-mail address, also from "Name <user@domain>"; lower case."""
    if not isinstance(address, str):
        raise UserError(t("security.error.bad_address", address=address))
    inside = re.search(r"<([^>]*)>", address)
    text = (inside.group(1) if inside else address).strip()
    if text.count("@") != 1 or not text.split("@")[1]:
        raise UserError(t("security.error.bad_address", address=address))
    return text.split("@")[1].strip().lower().rstrip(".")


def is_trusted(domain: str, trusted: Iterable[str] = TRUSTED_DOMAINS) -> bool:
    """True if `domain` is a trusted domain or one of its sub-domains (read from the right)."""
    domain = domain.lower().rstrip(".")
    return any(domain == good or domain.endswith("." + good) for good in trusted)


def links(text: str) -> list[str]:
    """Return the host names of the web links (http:// or https://) in a text."""
    return [host.lower() for host in _LINK.findall(text or "")]


def red_flags(
    sender: str, subject: str, body: str, trusted: Iterable[str] = TRUSTED_DOMAINS
) -> list[str]:
    """Return the red flags of one message, in the order of RED_FLAGS.

    - sender_domain: the sender's domain is not a trusted one;
    - urgency: words that push you to act fast ("urgent", "within 24 hours", ...);
    - asks_password: it mentions a password, PIN, login details or "verify your account";
    - suspicious_link: a link goes to a domain that is not trusted, or to a bare IP address.
    """
    trusted = tuple(trusted)
    text = f"{subject or ''}\n{body or ''}"
    found = []
    if not is_trusted(domain_of(sender), trusted):
        found.append("sender_domain")
    if _URGENCY.search(text):
        found.append("urgency")
    if _PASSWORD.search(text):
        found.append("asks_password")
    if any(_IP.match(host) or not is_trusted(host, trusted) for host in links(text)):
        found.append("suspicious_link")
    return found


def flag_messages(messages: pd.DataFrame, trusted: Iterable[str] = TRUSTED_DOMAINS) -> pd.DataFrame:
    """Return a copy of a table of messages with one True/False column per red flag and a count.

    The table needs the columns `sender`, `subject` and `body`.
    """
    missing = [c for c in ("sender", "subject", "body") if c not in messages.columns]
    if missing:
        raise UserError(t("security.error.missing_columns", columns=", ".join(missing)))
    trusted = tuple(trusted)
    result = messages.copy()
    found = [
        red_flags(s, subj, b, trusted)
        for s, subj, b in zip(result["sender"], result["subject"], result["body"], strict=True)
    ]
    for flag in RED_FLAGS:
        result[flag] = [flag in flags for flags in found]
    result["flag_count"] = [len(flags) for flags in found]
    return result


# Backups --------------------------------------------------------------------------------

#: Storage media a plan may name.
MEDIA = ("computer", "external_disk", "usb_stick", "network_drive", "cloud", "dvd")
#: Where a copy is kept.
LOCATIONS = ("office", "off_site")


@dataclass(frozen=True)
class BackupCheck:
    """The result of checking a plan against the 3-2-1 rule."""

    copies: int
    media: int
    off_site: int
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems

    def messages(self) -> list[str]:
        """The result in plain words: one line per problem, or one line saying it passes."""
        if self.ok:
            return [t("security.backup.ok", copies=self.copies, media=self.media)]
        values = {"copies": self.copies, "media": self.media, "off_site": self.off_site}
        return [t(f"security.backup.{problem}", **values) for problem in self.problems]

    def __str__(self) -> str:
        return "\n".join(self.messages())


def check_backup_plan(plan: pd.DataFrame | Sequence[dict]) -> BackupCheck:
    """Check a backup plan against the 3-2-1 rule.

    The plan is a table (or a list of dicts) with one row per copy of the files, the
    working copy included, and the columns `medium` (one of MEDIA) and `location` ("office"
    or "off_site"). The rule: at least 3 copies, on at least 2 different media, at least
    1 of them off site.
    """
    table = plan if isinstance(plan, pd.DataFrame) else pd.DataFrame(list(plan))
    missing = [c for c in ("medium", "location") if c not in table.columns]
    if missing:
        raise UserError(t("security.error.missing_columns", columns=", ".join(missing)))
    if table.empty:
        raise UserError(t("security.error.empty_plan"))
    for medium in table["medium"]:
        if medium not in MEDIA:
            raise UserError(
                t("security.error.unknown_medium", medium=medium, known=", ".join(MEDIA))
            )
    for location in table["location"]:
        if location not in LOCATIONS:
            raise UserError(
                t("security.error.unknown_location", location=location, known=", ".join(LOCATIONS))
            )
    copies = len(table)
    media = int(table["medium"].nunique())
    off_site = int((table["location"] == "off_site").sum())
    problems = []
    if copies < 3:
        problems.append("too_few_copies")
    if media < 2:
        problems.append("too_few_media")
    if off_site < 1:
        problems.append("no_off_site")
    return BackupCheck(copies, media, off_site, tuple(problems))
