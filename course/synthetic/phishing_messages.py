"""SYNTHETIC e-mails to a PPA office's inbox, some of them phishing, with labelled red flags (module A2).

Every address and link uses names reserved for examples: the office and its partners
are sub-domains of example.org, the senders of phishing mail use the .invalid top-level
domain, and the one bare IP address is from a documentation range (203.0.113.0/24).
No real organisation, domain or person is shown. The people's first names are common
Lao names, picked at random; the dates are in June 2024.

`red_flags` holds the flags each message was written with (see
`course.security.RED_FLAGS`), joined by ";", or "none".
"""

from __future__ import annotations

import numpy as np
import pandas as pd

NAME = "phishing_messages"
DESCRIPTION = (
    "SYNTHETIC e-mails to a PPA office, some of them phishing, with labelled red flags; "
    "all addresses are fictitious (example.org, .invalid)."
)

_NAMES = ("Khamla", "Souksavanh", "Bounmy", "Vilayphone", "Phonesavanh", "Keo", "Noy", "Somchanh")

# sender, subject, body, phishing, red flags. {name}, {date} and {day} are filled in.
_TEMPLATES: list[tuple[str, str, str, bool, str]] = [
    (
        "PPA Secretariat <secretariat@ppa.example.org>",
        "Agenda for the committee meeting on {date}",
        "Dear colleagues, the agenda for the committee meeting on {date} is attached. "
        "Please read it before the meeting. Regards, {name}",
        False,
        "none",
    ),
    (
        "{name} <{lower}@ppa.example.org>",
        "Minutes of the May meeting are in the shared folder",
        "Dear all, I have saved the minutes in the shared folder: "
        "https://files.ppa.example.org/minutes/2024-05. Comments are welcome by {date}. {name}",
        False,
        "none",
    ),
    (
        "National Assembly Secretariat <consultation@na.example.org>",
        "Invitation: online consultation on {date}",
        "Dear PPA colleagues, you are invited to an online consultation on {date} at 9:00. "
        "The meeting link is https://meet.na.example.org/consultation. With respect, {name}",
        False,
        "none",
    ),
    (
        "Provincial Training Unit <training@province.example.org>",
        "ICT training for new staff on {date}",
        "Hello, the basic ICT training for new staff takes place on {date} in meeting room 2. "
        "Bring your laptop if you have one. Kind regards, {name}",
        False,
        "none",
    ),
    (
        "Office IT <it@ppa.example.org>",
        "Internet maintenance on {date}",
        "Dear colleagues, the office internet will be off on {date} from 12:00 to 13:00 for "
        "maintenance. Save your work before 12:00. Thank you, {name}",
        False,
        "none",
    ),
    (
        "{name} <{lower}@ppa.example.org>",
        "Draft quarterly report for your comments",
        "Dear colleague, the draft quarterly report is attached. Could you send me your "
        "comments by {date}? Best regards, {name}",
        False,
        "none",
    ),
    (
        "PPA Secretariat <secretariat@ppa.example.org>",
        "Public holiday schedule",
        "Dear all, the office schedule for the coming public holidays is attached for your "
        "information. Regards, {name}",
        False,
        "none",
    ),
    (
        "PPA IT Support <support@ppa-mailbox.invalid>",
        "URGENT: your mailbox will be closed",
        "Your mailbox is full and will be closed today. Go to http://ppa-mailbox.invalid/login "
        "and enter your password to keep your e-mail.",
        True,
        "sender_domain;urgency;asks_password;suspicious_link",
    ),
    (
        "Human Resources <hr@ppa.example.org.salary-update.invalid>",
        "Salary adjustment 2024",
        "Dear staff member, your new salary is ready. Log in with your e-mail password at "
        "http://salary-update.invalid/view to see it.",
        True,
        "sender_domain;asks_password;suspicious_link",
    ),
    (
        "Lucky Draw Office <prize@lucky-draw.invalid>",
        "You won a laptop for your office",
        "Congratulations! Your office won a new laptop. Claim it within 24 hours at "
        "http://lucky-draw.invalid/claim.",
        True,
        "sender_domain;urgency;suspicious_link",
    ),
    (
        "{name} <{lower}@ppa-example.invalid>",
        "Staff phone list",
        "Hi, I am at a meeting in Vientiane. Please send me the list of all staff phone "
        "numbers immediately. {name}",
        True,
        "sender_domain;urgency",
    ),
    (
        "{name} <{lower}@ppa.example.org>",
        "Document to review",
        "Dear colleague, please review the document at http://docs-share.invalid/ppa-review "
        "and tell me what you think. {name}",
        True,
        "suspicious_link",
    ),
    (
        "Bank Service <service@bank-alert.invalid>",
        "Your account is suspended",
        "We noticed unusual activity. Verify your account within 24 hours at "
        "http://203.0.113.5/verify or it will be closed.",
        True,
        "sender_domain;urgency;asks_password;suspicious_link",
    ),
    (
        "National Assembly <meeting@na-meeting.invalid>",
        "Meeting link for the consultation",
        "Dear participant, to join the consultation on {date} open "
        "http://na-meeting.invalid/join and type your e-mail password.",
        True,
        "sender_domain;asks_password;suspicious_link",
    ),
    (
        "Office Supplies Co. <billing@office-supplies.invalid>",
        "Unpaid invoice: final warning",
        "Your office has an unpaid invoice for printer paper. Pay the attached invoice "
        "now or we will stop delivery.",
        True,
        "sender_domain;urgency",
    ),
    (
        "{name} <{lower}@province.example.org>",
        "Numbers for the citizen feedback summary",
        "Dear colleague, thank you for the feedback table. I will add the numbers to the "
        "summary for the session. Regards, {name}",
        False,
        "none",
    ),
]


def generate(rng: np.random.Generator) -> pd.DataFrame:
    """Return the SYNTHETIC messages: message_id, received, sender, subject, body, phishing, red_flags."""
    order = rng.permutation(len(_TEMPLATES))
    days = np.sort(rng.choice(np.arange(3, 29), size=len(_TEMPLATES), replace=False))
    rows = []
    for number, (index, day) in enumerate(zip(order, days, strict=True), start=1):
        sender, subject, body, phishing, flags = _TEMPLATES[index]
        name = str(rng.choice(_NAMES))
        meeting_day = int(min(day + rng.integers(2, 8), 30))
        values = {"name": name, "lower": name.lower(), "date": f"{meeting_day} June 2024"}
        rows.append(
            {
                "message_id": f"M{number:02d}",
                "received": f"2024-06-{int(day):02d}",
                "sender": sender.format(**values),
                "subject": subject.format(**values),
                "body": body.format(**values),
                "phishing": phishing,
                "red_flags": flags,
            }
        )
    return pd.DataFrame(rows)
