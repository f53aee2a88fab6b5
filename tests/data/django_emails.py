"""Writes django_emails.tsv, the corpus tests/unit/email.rs checks the client's email rule on:
2,000 seeded random emails, many with Unicode domains, each labelled with whether Django 4.2's and
Django 5.2's EmailValidator accept it once stripped (as DRF strips it).

    python3 django_emails.py PYTHON_WITH_DJANGO_4_2 PYTHON_WITH_DJANGO_5_2

Each interpreter only needs `pip install "django==4.2.*"` (or 5.2.*) in its environment.
"""
import json, os, random, subprocess, sys

VALIDATE = """
import json, sys
from django.conf import settings
settings.configure()
from django.core.validators import EmailValidator
from django.core.exceptions import ValidationError
check = EmailValidator()
for line in sys.stdin:
    try:
        check(json.loads(line).strip()); print(1)
    except ValidationError:
        print(0)
"""

def emails(n):
    rng = random.Random(11)
    pools = [range(0x61, 0x7B), range(0x30, 0x3A), range(0xA0, 0x250), range(0x370, 0x400),
             range(0x400, 0x530), range(0x590, 0x700), range(0x900, 0x980), range(0x2000, 0x2070),
             range(0x2100, 0x2200), range(0x3040, 0x3100), range(0x4E00, 0x4E80),
             range(0xAC00, 0xAC40), range(0xFB00, 0xFB50), range(0xFE00, 0xFE10),
             range(0xFF00, 0xFFEF), range(0x1F300, 0x1F680), range(0xE000, 0xE010)]
    special = [0x200C, 0x200D, 0xAD, 0x2D, 0x34F, 0x180B, 0xFEFF, 0xDF, 0x130, 0x131, 0x17F,
               0x212A, 0x3A3, 0x1E9E, 0x2E, 0x3002, 0xFF0E]
    def label():
        out = []
        for _ in range(rng.randint(1, 8)):
            r = rng.random()
            pool = special if r < 0.1 else range(0x61, 0x7B) if r < 0.55 else rng.choice(pools)
            out.append(chr(rng.choice(pool)))
        return "".join(out)
    tlds = ["com", "de", "рф", "테스트", "c1", "xn--p1ai", "co", "ü", "éé", "ss", "💩x"]
    for _ in range(n):
        labels = [label() for _ in range(rng.randint(1, 3))]
        tld = rng.choice(tlds) if rng.random() < 0.5 else label()
        yield rng.choice(["a", "jo.lee", "x_y"]) + "@" + ".".join(labels + [tld])

def verdicts(python, corpus):
    lines = "".join(json.dumps(e) + "\n" for e in corpus)
    out = subprocess.run([python, "-c", VALIDATE], input=lines, capture_output=True, text=True, check=True)
    return out.stdout.split()

corpus = list(emails(2000))
v42, v52 = verdicts(sys.argv[1], corpus), verdicts(sys.argv[2], corpus)
here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "django_emails.tsv"), "w", encoding="utf-8") as f:
    for email, a, b in zip(corpus, v42, v52):
        f.write(f"{a}{b}\t{json.dumps(email)}\n")
