"""The generated consultations' titles and notes, shaped like a real bank's (issue 23).

A real contact-center history is not "정기예금 가입 상담" a million times: titles run ~10-60
characters (mean ~30), notes ~50-400 (mean ~220), and the words staff search for have very
different shares: 대출 (loans) is in about 40 % of consultations, a single product name in well
under 1 %. Search figures measured on short, uniform text would flatter the bigram index (short
posting lists, tiny rows), so the demo bank's text is composed here from the varied phrases of
demo/data.py with those shapes.

seed_demo draws each row's text from a pool per middle category (`text_pool`), built once per run
from the seed: composing 10,000,000 notes one by one would cost more than the whole COPY.
"""

from __future__ import annotations

import random

from demo import data as D

NOTE_MIN, NOTE_MAX = 50, 400
TITLE_MAX = 60
PRODUCT_SHARE = 0.3  # rows whose subject is a named product rather than a generic topic

# Share of consultations per middle category: loans are the bank's most common subject.
CATEGORY_WEIGHTS = {code: (11 if code.startswith("02") else 6) for code in D.TOPICS}


def subject(rng: random.Random, code: str) -> str:
    if rng.random() < PRODUCT_SHARE:
        return rng.choice(D.PRODUCTS[code])
    return rng.choice(D.TOPICS[code])


def title(rng: random.Random, topic: str) -> str:
    text = f"{topic} {rng.choice(D.TITLE_ACTIONS)}"
    roll = rng.random()
    if roll < 0.3 or len(text) < 10:
        text += f", {rng.choice(D.TITLE_DETAILS)}"
    elif roll < 0.9:
        first, second = rng.sample(D.TITLE_DETAILS, 2)
        text += f" - {first}, {second}"
    return text[:TITLE_MAX]


def note(rng: random.Random, code: str, topic: str) -> str:
    """Sentences in the order a staff member writes them: why the customer came, what was
    explained (this category's details and the bank's common steps), maybe another topic the
    customer raised, and the outcome; as long as a length drawn around 220 characters."""
    wanted = NOTE_MIN + (NOTE_MAX - NOTE_MIN) * rng.betavariate(2.0, 2.4)
    closing = rng.choice(D.NOTE_CLOSINGS)
    sentences = [rng.choice(D.NOTE_OPENINGS).format(t=topic)]
    details = rng.sample(D.NOTE_DETAILS[code[:2]], len(D.NOTE_DETAILS[code[:2]]))
    common = rng.sample(D.NOTE_COMMON, len(D.NOTE_COMMON))
    if rng.random() < 0.12:
        common.insert(rng.randrange(3), rng.choice(D.NOTE_CROSS_SELL))
    length = len(sentences[0]) + 1 + len(closing)
    while length < wanted and (details or common):
        pool = details if details and (not common or rng.random() < 0.6) else common
        sentence = pool.pop()
        if length + 1 + len(sentence) > NOTE_MAX:
            break
        sentences.append(sentence)
        length += 1 + len(sentence)
    sentences.append(closing)
    return " ".join(sentences)


def consultation_text(rng: random.Random, code: str) -> tuple[str, str]:
    topic = subject(rng, code)
    return title(rng, topic), note(rng, code, topic)


def text_pool(seed: int | str, code: str, size: int) -> list[tuple[str, str]]:
    """`size` (title, notes) pairs of one middle category, the same for the same seed."""
    rng = random.Random(f"{seed}:text:{code}")
    return [consultation_text(rng, code) for _ in range(size)]
