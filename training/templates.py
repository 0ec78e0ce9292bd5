"""How Katheryne answers: answer wordings, nicknames, and fitting answers into the token budget.

The question side (patterns per family, smalltalk, off-topic) lives in training/questions.py and
is re-exported here for the modules that read both.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from assistant.tokenizer import tokenize
from training.questions import OFF_TOPIC, QUESTIONS, SMALLTALK

__all__ = [
    "ANSWERS", "ARTIFACT_ALIASES", "CHARACTER_ALIASES", "FAKE_SET_WORDS", "FAKE_TALENT_WORDS", "FAKE_WEAPON_NOUNS",
    "NAME_SYLLABLES", "OFF_TOPIC", "QUESTIONS", "SMALLTALK", "TRAVELER_NAMES", "WEAPON_ALIASES", "count_tokens",
    "fit_sentences", "join_names", "possessive", "sentences", "summary_sentence", "tokens_of",
]

# Nicknames and common misspellings (by knowledge id). Ambiguous ones are dropped by facts.py.
CHARACTER_ALIASES: dict[str, tuple[str, ...]] = {
    "hu_tao": ("hutao",),
    "zhongli": ("zhong li", "zhongly"),
    "raiden_shogun": ("raiden", "ei", "shogun", "raiden ei"),
    "kamisato_ayaka": ("ayaka",),
    "kamisato_ayato": ("ayato",),
    "kaedehara_kazuha": ("kazuha",),
    "sangonomiya_kokomi": ("kokomi",),
    "arataki_itto": ("itto",),
    "tartaglia": ("childe", "ajax"),
    "yae_miko": ("yae", "miko"),
    "shikanoin_heizou": ("heizou",),
    "kujou_sara": ("sara",),
    "kuki_shinobu": ("kuki", "shinobu"),
    "yun_jin": ("yunjin",),
    "wanderer": ("scaramouche", "scara"),
    "alhaitham": ("al haitham", "haitham"),
    "xingqiu": ("xing qiu", "xq"),
    "xiangling": ("xiang ling", "xianling"),
    "ningguang": ("ning guang",),
    "keqing": ("ke qing", "keching"),
    "diluc": ("deluc",),
    "tighnari": ("tignari",),
    "yoimiya": ("yoimya",),
    "fischl": ("fishl",),
    "qiqi": ("qi qi",),
    "shenhe": ("shen he",),
    "baizhu": ("bai zhu",),
    "yelan": ("yelaan",),
    "traveler_anemo": ("anemo traveler", "anemo traveller", "anemo mc"),
    "traveler_dendro": ("dendro traveler", "dendro traveller", "dendro mc"),
    "traveler_electro": ("electro traveler", "electro traveller", "electro mc"),
    "traveler_geo": ("geo traveler", "geo traveller", "geo mc"),
}
WEAPON_ALIASES: dict[str, tuple[str, ...]] = {
    "staff_of_homa": ("homa",),
    "primordial_jade_wingedspear": ("pjws", "jade spear"),
    "primordial_jade_cutter": ("jade cutter", "pjc"),
    "wolfs_gravestone": ("wgs", "wolf gravestone"),
    "mistsplitter_reforged": ("mistsplitter",),
    "engulfing_lightning": ("engulfing",),
    "aquila_favonia": ("aquila",),
    "a_thousand_floating_dreams": ("atfd", "thousand floating dreams"),
    "kaguras_verity": ("kagura",),
    "haran_geppaku_futsu": ("haran",),
    "lost_prayer_to_the_sacred_winds": ("lost prayer",),
    "elegy_for_the_end": ("elegy",),
    "song_of_broken_pines": ("broken pines",),
    "redhorn_stonethresher": ("redhorn",),
    "everlasting_moonglow": ("moonglow",),
    "key_of_khajnisut": ("khaj nisut",),
    "light_of_foliar_incision": ("foliar",),
    "calamity_queller": ("calamity",),
    "tulaytullahs_remembrance": ("tulaytullah",),
    "jadefalls_splendor": ("jadefall",),
    "beacon_of_the_reed_sea": ("beacon",),
    "staff_of_the_scarlet_sands": ("scarlet sands",),
    "favonius_sword": ("fav sword",),
    "favonius_greatsword": ("fav greatsword",),
    "favonius_lance": ("fav lance",),
    "favonius_codex": ("fav codex",),
    "favonius_warbow": ("fav bow", "fav warbow"),
    "sacrificial_sword": ("sac sword",),
    "sacrificial_greatsword": ("sac greatsword",),
    "sacrificial_fragments": ("sac frags",),
    "sacrificial_bow": ("sac bow",),
    "prototype_amber": ("proto amber",),
    "kitain_cross_spear": ("kitain",),
}
ARTIFACT_ALIASES: dict[str, tuple[str, ...]] = {
    "crimson_witch_of_flames": ("crimson witch", "cw"),
    "viridescent_venerer": ("vv", "viridescent"),
    "emblem_of_severed_fate": ("emblem", "eosf"),
    "noblesse_oblige": ("noblesse",),
    "tenacity_of_the_millelith": ("tom", "millelith"),
    "heart_of_depth": ("hod",),
    "blizzard_strayer": ("blizzard",),
    "shimenawas_reminiscence": ("shimenawa",),
    "gladiators_finale": ("gladiator", "glad"),
    "wanderers_troupe": ("troupe",),
    "thundering_fury": ("tf",),
    "deepwood_memories": ("deepwood",),
    "gilded_dreams": ("gilded",),
    "oceanhued_clam": ("ohc", "clam"),
    "husk_of_opulent_dreams": ("husk",),
    "bloodstained_chivalry": ("bloodstained",),
    "archaic_petra": ("petra",),
    "retracing_bolide": ("bolide",),
    "echoes_of_an_offering": ("echoes",),
    "vermillion_hereafter": ("vermillion",),
    "flower_of_paradise_lost": ("paradise lost", "fopl"),
    "desert_pavilion_chronicle": ("desert pavilion",),
    "nymphs_dream": ("nymph",),
    "vourukashas_glow": ("vourukasha",),
    "maiden_beloved": ("maiden",),
}
# How people refer to the Traveler without saying which element.
TRAVELER_NAMES = ("traveler", "the traveler", "traveller", "mc", "aether", "lumine")

# Syllables for made-up names; facts.py checks they never collide with real words.
NAME_SYLLABLES = (
    "zor", "vel", "kar", "mi", "tha", "rin", "dus", "quor", "bel", "nix", "sha", "lum", "tor", "ve",
    "ka", "zen", "ori", "pha", "gul", "ysa", "dro", "mer", "lis", "wen", "fal", "ir", "tus", "ma",
    "ren", "oth", "xal", "bry", "sol", "kev", "ula", "dor", "ny", "pel", "gri", "van", "sei", "ro",
)
FAKE_WEAPON_NOUNS = ("blade", "spear", "bow", "staff", "greatsword", "codex", "edge", "lance", "harp", "fang")
FAKE_TALENT_WORDS = ("art", "dance", "strike", "veil", "song", "oath", "storm", "glyph")
FAKE_SET_WORDS = ("dream", "oath", "chronicle", "reverie", "vow", "requiem", "echo")

ANSWERS: dict[str, str] = {
    "character.element": "{owner} element is {element}.",
    "character.weapon": "{name} wields a {weapon}.",
    "character.region": "{name} is from {region}.",
    "character.rarity": "{name} is a {rarity}-star character.",
    "character.title": "{owner} title is {title}.",
    "character.constellation": "{owner} constellation is {constellation}.",
    "character.birthday": "{owner} birthday is {birthday}.",
    "character.affiliation": "{name} is affiliated with {affiliation}.",
    "character.ascension": "{owner} ascension stat is {stat}.",
    "character.talent": "{owner} {kind} is {talent}: ",
    "character.passives": "{owner} passive talents are {names}.",
    "character.passive_ascension": "{talent} is {owner} Ascension {a} passive: ",
    "character.passive_other": "{talent} is one of {owner} passive talents: ",
    "traveler.element": "The Traveler can use {elements}. Ask about one, like the {example} Traveler.",
    "weapon.type": "{name} is a {type}.",
    "weapon.rarity": "{name} is a {rarity}-star weapon.",
    "weapon.substat": "{owner} substat is {substat}.",
    "weapon.passive": "{owner} passive is {passive}: ",
    "weapon.summary": "{name} is a {rarity}-star {type}{with_substat}.",
    "weapon.passive_platform": "{owner} passive is {passive} ({platform} only): ",
    "artifact.one_piece": "{name} (1-piece): ",
    "artifact.two_piece": "{name} (2-piece): ",
    "artifact.four_piece": "{name} (4-piece): ",
    "artifact.rarity": "{name} artifacts range from {low} to {high} stars.",
    "artifact.summary": "{name} is an artifact set of up to {high} stars. {pieces}-piece: ",
    "list.element": "{element} characters: {names}.",
    "list.weapon": "{weapon} users: {names}.",
    "list.region": "Characters from {region}: {names}.",
    "list.rarity": "{rarity}-star characters: {names}.",
    "list.element_weapon": "{element} {weapon} users: {names}.",
    "list.element_region": "{element} characters from {region}: {names}.",
    "list.weapons": "{rarity}-star {weapons}: {names}.",
    "count.element": "There are {count} {element} characters.",
    "count.weapon": "There are {count} {weapon} users.",
    "count.region": "There are {count} characters from {region}.",
    "meta.elements": "The seven elements are {names}.",
    "meta.weapon_types": "The five weapon types are {names}.",
    "meta.regions": "The characters I know come from {names}.",
    "yesno.element.yes": "Yes, {name} is {value}.",
    "yesno.element.no": "No, {name} is not {asked}; {owner} element is {value}.",
    "yesno.weapon.yes": "Yes, {name} wields a {value}.",
    "yesno.weapon.no": "No, {name} doesn't use a {asked}; {name} wields a {value}.",
    "yesno.region.yes": "Yes, {name} is from {value}.",
    "yesno.region.no": "No, {name} is not from {asked}; {name} is from {value}.",
    "yesno.rarity.yes": "Yes, {name} is a {value}-star character.",
    "yesno.rarity.no": "No, {name} is not a {asked}-star character; {name} is a {value}-star character.",
    "yesno.weapon_type.yes": "Yes, {name} is a {value}.",
    "yesno.weapon_type.no": "No, {name} is not a {asked}; {name} is a {value}.",
}


def summary_sentence(character: str, rarity: int | None, element: str | None, weapon: str | None,
                     region: str | None, title: str | None) -> str:
    """'Hu Tao is a 5-star Pyro Polearm user from Liyue, known as Fragrance in Thaw.' (parts optional)."""
    kind = " ".join(part for part in (f"{rarity}-star" if rarity else None, element, weapon) if part)
    text = f"{character} is a {kind} user" if weapon else f"{character} is a {kind or 'playable'} character"
    if region:
        text += f" from {region}"
    if title:
        text += f", known as {title}"
    return text + "."


def possessive(name: str) -> str:
    """Possessive form: "Venti's", "Amos' Bow's", but "Dodoco Tales'"."""
    return name + ("'" if name.endswith("s") else "'s")


@lru_cache(maxsize=1 << 17)
def tokens_of(text: str) -> tuple[str, ...]:
    """tokenize(), memoised: building the data set tokenizes the same answers and names many times."""
    return tuple(tokenize(text))


def count_tokens(text: str) -> int:
    """Length by the model's tokenizer, which is what the 64-token budget counts."""
    return len(tokens_of(text))


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"(])")


def sentences(text: str) -> list[str]:
    """Split on sentence ends; decimals ("1.2%") and "0.2s." stay whole."""
    return [part.strip() for part in _SENTENCE_END.split(text) if part.strip()]


def fit_sentences(prefix: str, text: str, *, target: int = 40, stretch: int = 50, limit: int = 60) -> str | None:
    """`prefix` followed by as many whole sentences of `text` as fit in `target` tokens.

    The first sentence is always kept if the result stays within `limit`; a short first sentence
    (often flavour text, "Only an unwavering flame can...") may pull in the next one up to
    `stretch`, so the answer says what the talent does. None when not even one sentence fits.
    """
    parts = sentences(text)
    if not parts:
        return None
    chosen: list[str] = []
    for index, sentence in enumerate(parts):
        candidate = (prefix + " ".join([*chosen, sentence])).strip()
        size = count_tokens(candidate)
        short_so_far = count_tokens(" ".join(chosen)) < 15
        if size <= target or (index == 0 and size <= limit) or (index == 1 and short_so_far and size <= stretch):
            chosen.append(sentence)
        else:
            break
    if not chosen:
        return None
    answer = (prefix + " ".join(chosen)).strip()
    return answer if answer[-1] in ".!?" else answer + "."


def join_names(names: Sequence[str], *, prefix: str, suffix: str = ".", limit: int = 60) -> tuple[str, list[str]]:
    """'A, B and C' made to fit in `limit` tokens with `prefix`/`suffix` around it.

    Returns the joined text and the names actually shown; when the list is cut it ends with
    "and N more" instead of pretending to be complete.
    """
    names = list(names)
    for shown in range(len(names), 0, -1):
        head = names[:shown]
        rest = len(names) - shown
        if rest:
            text = ", ".join(head) + f" and {rest} more"
        elif len(head) > 1:
            text = ", ".join(head[:-1]) + " and " + head[-1]
        else:
            text = head[0]
        if count_tokens(prefix + text + suffix) <= limit:
            return text, head
    raise ValueError(f"no room for even one name after {prefix!r}")
