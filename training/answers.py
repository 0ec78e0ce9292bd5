"""How answers are worded: one fixed sentence per kind of question (yes and no variants for yes/no
questions), and the fixed replies for what is not a game fact.

Every name and value in an answer is the knowledge record's exact string, and the words around it
are plain English, so a reading model can copy each value from the facts it is given.
"""

from __future__ import annotations

from collections.abc import Sequence

from assistant.facts import first_sentence, join_names

OFFTOPIC_ANSWER = "I can only help with Genshin Impact questions."
SMALLTALK_ANSWERS = {
    "greeting": "Hi! I'm Katheryne. Ask me about Genshin Impact characters, weapons and artifacts.",
    "thanks": "You're welcome! Happy to help.",
    "identity": "I'm Katheryne, an assistant that answers Genshin Impact questions.",
    "capabilities": "I can answer questions about Genshin Impact characters, weapons, artifact sets and materials.",
}


def possessive(name: str) -> str:
    """ "Furina's": always 's, so the model learns one rule after a copied name ("Sethos's")."""
    return f"{name}'s"


def sentence(text: str) -> str:
    """`text` with final punctuation (data values such as "Hydro DMG Bonus +15%" have none)."""
    text = text.rstrip()
    return text if text.endswith((".", "!", "?", "...")) else text + "."


def article(word: str) -> str:
    """ "an" before a vowel ("an Anemo character"), else "a"."""
    return "an" if word[:1].lower() in "aeiou" else "a"


def attribute_answer(kind: str, name: str, value: str) -> str:
    """The fixed answer for one attribute of a character (`value` is the record's string)."""
    owner = possessive(name)
    return {
        "element": f"{name} is {article(value)} {value} character.",
        "weapon_type": f"{name} uses a {value}.",
        "region": f"{name} is from {value}.",
        "rarity": f"{name} is a {value}-star character.",
        "birthday": f"{owner} birthday is {value}.",
        "title": f"{owner} title is {value}.",
        "constellation": f"{owner} constellation is {value}.",
        "affiliation": f"{owner} affiliation is {value}.",
        "ascension_stat": f"{owner} ascension stat is {value}.",
        "voice_actor": f"{owner} English voice actor is {value}.",
        "boss_drop": f"{owner} ascension boss drop is {value}.",
        "local_specialty": f"{owner} local specialty is {value}.",
        "weekly_boss_drop": f"{owner} weekly boss drop is {value}.",
        "weapon.type": f"{name} is a {value}.",
        "weapon.rarity": f"{name} is a {value}-star weapon.",
        "weapon.substat": f"{owner} substat is {value}.",
    }[kind]


def farming_answer(owner_sentence: str, days: Sequence[str], domain: str | None) -> str:
    """ "<owner sentence>, from <domain> on <days>." with whichever parts the data has."""
    where = f" from {domain}" if domain else ""
    when = f" on {join_names(days)}" if days else ""
    return f"{owner_sentence}{where}{when}."


def talent_book_answer(name: str, book: str, days: Sequence[str], domain: str | None) -> str:
    return farming_answer(f"{name} uses {book} talent books", days, domain)


def weapon_material_answer(weapon: str, series: str, days: Sequence[str], domain: str | None) -> str:
    return farming_answer(f"{weapon} ascends with {series} materials", days, domain)


def series_days_answer(series: str, noun: str, days: Sequence[str], domain: str | None) -> str:
    """ "Justice talent books are available from <domain> on Tuesday, Friday and Sunday." """
    return farming_answer(f"{series} {noun} are available", days, domain)


def described(label: str, name: str, description: str) -> str:
    """ "<label> is <name>: <first sentence of description>" """
    return f"{label} is {name}: {sentence(first_sentence(description))}"


def talent_answer(character: str, talent_kind: str, talent: str, description: str) -> str:
    return described(f"{possessive(character)} {talent_kind}", talent, description)


def passive_effect_answer(character: str, passive: str, description: str) -> str:
    return f"{passive} is a passive talent of {character}: {sentence(first_sentence(description))}"


def constellation_answer(character: str, level: int, name: str, effect: str) -> str:
    return described(f"{possessive(character)} C{level}", name, effect)


def passives_answer(character: str, passives: Sequence[str]) -> str:
    return f"{possessive(character)} passive talents are {join_names(passives)}."


def abilities_answer(character: str, skill: str, burst: str, passives: Sequence[str]) -> str:
    return (
        f"{possessive(character)} Elemental Skill is {skill}, Elemental Burst is {burst}, "
        f"and passive talents are {join_names(passives)}."
    )


def who_is_answer(
    name: str, title: str | None, rarity: int | None, element: str | None, weapon_type: str | None, region: str | None
) -> str:
    """ "Furina (Endless Solo of Solitude) is a 5-star Hydro Sword character from Fontaine." """
    titled = f"{name} ({title})" if title else name
    described_as = " ".join(part for part in (f"{rarity}-star" if rarity else None, element, weapon_type) if part)
    home = f" from {region}" if region else ""
    if not described_as:
        return f"{titled} is a character{home}."
    return f"{titled} is {article(described_as)} {described_as} character{home}."


def weapon_passive_answer(weapon: str, passive: str, description: str) -> str:
    return described(f"{possessive(weapon)} passive", passive, description)


def set_bonus_answer(artifact_set: str, pieces: int, bonus: str) -> str:
    return f"{possessive(artifact_set)} {pieces}-piece bonus: {sentence(first_sentence(bonus))}"


def claim_answer(kind: str, name: str, true: bool, actual: str) -> str:
    """ "Yes, Furina is Hydro." / "No, Furina is Hydro." (the actual value either way)."""
    opener = "Yes" if true else "No"
    return {
        "claim_element": f"{opener}, {name} is {actual}.",
        "claim_weapon": f"{opener}, {name} uses a {actual}.",
        "claim_region": f"{opener}, {name} is from {actual}.",
    }[kind]


def comparison_answer(kind: str, a: str, b: str, value_a: str, value_b: str) -> str:
    """ "Yes, A and B are both Pyro." / "No: A is Pyro and B is Cryo." """
    if value_a == value_b:
        return {
            "same_element": f"Yes, {a} and {b} are both {value_a}.",
            "same_region": f"Yes, {a} and {b} are both from {value_a}.",
            "same_weapon": f"Yes, {a} and {b} both use a {value_a}.",
        }[kind]
    return {
        "same_element": f"No: {a} is {value_a} and {b} is {value_b}.",
        "same_region": f"No: {a} is from {value_a} and {b} is from {value_b}.",
        "same_weapon": f"No: {a} uses a {value_a} and {b} uses a {value_b}.",
    }[kind]


def list_answer(group: str, names: Sequence[str], region: str | None = None) -> str:
    """ "The Pyro Claymore characters are Dehya, Diluc and Xinyan." (`group` e.g. "Pyro Claymore")."""
    home = f" from {region}" if region else ""
    if len(names) == 1:
        return f"The only {group} character{home} is {names[0]}."
    return f"The {group} characters{home} are {join_names(names)}."
