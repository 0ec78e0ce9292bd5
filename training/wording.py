"""How questions are asked: the phrasing families of every kind (answers: training/answers.py).

Questions come in phrasing families: a family is one way of asking ("what element is {name}",
"{name} {field}?"), with a few near-identical patterns. Each family belongs to one split, so
validation and test ask in ways training never used. Families shared by many kinds (`SHAPES`) take
a field word ("element", "vision") and belong to the same split for every kind.
"""

from __future__ import annotations

from dataclasses import dataclass

SPLITS = ("train", "validation", "test")


@dataclass(frozen=True)
class Family:
    """One way of asking a kind of question; `id` is unique across all kinds."""

    id: str
    split: str
    patterns: tuple[str, ...]


# Shapes any attribute kind can use with one of its FIELD_WORDS: (split, patterns) per shape.
SHAPES: dict[str, tuple[str, tuple[str, ...]]] = {
    "bare": ("train", ("{name} {field}", "{name} {field}?", "{field} {name}", "{name} {field} pls")),
    "whats": (
        "train",
        (
            "what's {name}'s {field}",
            "whats {name}s {field}",
            "what is {name}'s {field}",
            "what is the {field} of {name}",
        ),
    ),
    "tell": (
        "train",
        (
            "tell me {name}'s {field}",
            "tell me the {field} of {name}",
            "give me {name}'s {field}",
            "show {name}'s {field}",
        ),
    ),
    "need": (
        "train",
        ("i need {name}'s {field}", "need {name} {field}", "looking for {name}'s {field}", "{name}'s {field}?"),
    ),
    "have": ("train", ("what {field} does {name} have", "which {field} does {name} have", "{name} has what {field}")),
    "know": (
        "validation",
        ("do you know {name}'s {field}", "u know {name}s {field}?", "do you happen to know the {field} of {name}"),
    ),
    "about": ("validation", ("question about {name}: {field}?", "{name} - {field}?", "{name}: {field}")),
    "wonder": (
        "test",
        (
            "i wonder what {name}'s {field} is",
            "wondering about {name}'s {field}",
            "curious what the {field} of {name} is",
        ),
    ),
    "could": (
        "test",
        (
            "can you tell me {name}'s {field}",
            "could you check {name}'s {field}",
            "can u tell me the {field} for {name}",
        ),
    ),
}

# Words players use for each attribute kind, filled into SHAPES as {field}.
FIELD_WORDS: dict[str, tuple[str, ...]] = {
    "element": ("element", "vision", "elemental type", "elem"),
    "weapon_type": ("weapon", "weapon type", "weapon class"),
    "region": ("region", "nation", "home nation", "hometown"),
    "rarity": ("rarity", "star rating", "stars"),
    "birthday": ("birthday", "bday", "b-day", "birth date"),
    "title": ("title", "epithet"),
    "constellation": ("constellation", "constellation name"),
    "affiliation": ("affiliation", "faction", "group"),
    "ascension_stat": ("ascension stat", "bonus stat", "ascension bonus"),
    "voice_actor": ("english voice actor", "en va", "english va", "english voice"),
    "talent_book": ("talent books", "talent book", "talent materials", "talent mats"),
    "boss_drop": ("boss drop", "boss material", "ascension boss drop", "boss mat"),
    "local_specialty": ("local specialty", "specialty", "ascension specialty"),
    "weekly_boss_drop": ("weekly boss drop", "weekly boss material", "weekly mat", "weekly boss mats"),
    "normal_attack": ("normal attack", "na", "auto attack"),
    "skill": ("elemental skill", "skill", "e"),
    "burst": ("elemental burst", "burst", "q", "ult"),
    "passives": ("passives", "passive talents", "passive"),
    "abilities": ("abilities", "kit", "talents"),
    "weapon.type": ("type", "weapon type"),
    "weapon.rarity": ("rarity", "stars", "star rating"),
    "weapon.substat": ("substat", "sub stat", "secondary stat"),
    "weapon.passive": ("passive", "weapon passive", "refinement passive"),
    "weapon.material": ("ascension material", "ascension mats", "weapon material"),
    "artifact.two_piece": ("2-piece", "2pc", "two piece bonus", "2 set bonus"),
    "artifact.four_piece": ("4-piece", "4pc", "four piece bonus", "4 set bonus"),
}

# Families of one kind only: kind -> family -> (split, patterns).
_SPECIFIC: dict[str, dict[str, tuple[str, tuple[str, ...]]]] = {
    "element": {
        "what": ("train", ("what element is {name}", "which element is {name}", "what element does {name} use")),
        "vision": ("train", ("what vision does {name} have", "whats {name}s vision", "{name} vision?")),
        "is_what": ("validation", ("{name} is what element", "element of {name}??")),
        "type_of": ("test", ("what kind of element does {name} have", "{name} uses which element")),
    },
    "weapon_type": {
        "what": (
            "train",
            ("what weapon does {name} use", "which weapon type does {name} use", "what weapon type is {name}"),
        ),
        "wield": ("train", ("what does {name} wield", "{name} uses what weapon", "{name} weapon?")),
        "fight": ("validation", ("what does {name} fight with", "{name} fights with what")),
        "carry": ("test", ("which weapon class does {name} carry", "what kind of weapon is {name} using")),
    },
    "region": {
        "from": ("train", ("where is {name} from", "which nation is {name} from", "what region is {name} from")),
        "home": ("train", ("where does {name} come from", "{name} is from where", "{name} from?")),
        "live": ("validation", ("where does {name} live", "{name} hails from where")),
        "origin": ("test", ("what nation does {name} belong to", "which country is {name} from")),
    },
    "rarity": {
        "stars": ("train", ("how many stars is {name}", "is {name} 4 or 5 star", "what rarity is {name}")),
        "star": ("train", ("{name} 4 star or 5 star", "{name} how many stars")),
        "rate": ("validation", ("how rare is {name}", "{name} rarity level")),
        "tier": ("test", ("is {name} a four or five star", "what star is {name}")),
    },
    "birthday": {
        "when": ("train", ("when is {name}'s birthday", "when is {name} born", "when was {name} born")),
        "date": ("train", ("{name} birthday date", "{name} bday?", "what day is {name}'s birthday")),
        "celebrate": ("validation", ("when do we celebrate {name}'s birthday", "what date is {name}s bday")),
        "month": ("test", ("which month and day is {name}'s birthday", "{name} born when")),
    },
    "title": {
        "what": ("train", ("what is {name}'s title", "what title does {name} have", "{name}'s title")),
        "called": ("train", ("what is {name} called", "what is {name} known as", "{name} aka")),
        "goes": ("train", ("what name does {name} go by", "how is {name} known", "{name} goes by what title")),
        "honorific": ("train", ("what honorific does {name} have", "{name}'s in-game title", "title for {name}?")),
        "nickname": ("validation", ("what is {name}'s epithet", "{name} is also known as what")),
        "name": ("test", ("what do they call {name}", "what's the title of {name}")),
    },
    "constellation": {
        "what": (
            "train",
            ("what is {name}'s constellation", "what constellation does {name} have", "{name} constellation name"),
        ),
        "named": ("train", ("what is {name}'s constellation called", "name of {name}'s constellation")),
        "stars": ("validation", ("which constellation is {name}'s", "{name}'s star constellation?")),
        "sky": ("test", ("what's the constellation of {name} called", "constellation for {name}")),
    },
    "affiliation": {
        "what": ("train", ("what is {name}'s affiliation", "who is {name} affiliated with", "what group is {name} in")),
        "work": ("train", ("who does {name} work for", "what organization is {name} part of")),
        "belong": ("train", ("where does {name} belong", "what faction is {name} in", "{name} is part of which group")),
        "guild": ("train", ("what guild is {name} in", "{name}'s organization", "who is {name} allied with")),
        "member": ("validation", ("{name} is a member of what", "which faction does {name} belong to")),
        "serve": ("test", ("who does {name} serve", "what team is {name} with")),
    },
    "ascension_stat": {
        "what": (
            "train",
            ("what is {name}'s ascension stat", "what stat does {name} get from ascension", "{name} ascension stat"),
        ),
        "bonus": ("train", ("what bonus stat does {name} have", "{name} bonus stat?")),
        "gain": ("validation", ("what stat does {name} gain when ascending", "ascending {name} gives what stat")),
        "scale": ("test", ("which stat goes up when {name} ascends", "{name} ascension gives which stat")),
    },
    "voice_actor": {
        "who": ("train", ("who voices {name}", "who is {name}'s english voice actor", "who voices {name} in english")),
        "va": ("train", ("{name} english va", "{name} va?", "{name} voice actor")),
        "dub": ("validation", ("who does the english voice of {name}", "{name} english dub voice")),
        "played": ("test", ("who plays {name} in the english dub", "which actor voices {name} in english")),
    },
    "talent_book": {
        "which": (
            "train",
            ("what talent books does {name} use", "which talent book does {name} need", "{name} talent books"),
        ),
        "level": ("train", ("what do i need to level {name}'s talents", "{name} talent mats?", "books for {name}")),
        "farm": ("validation", ("what books should i farm for {name}", "which domain for {name}'s talents")),
        "upgrade": ("test", ("what books do i need to upgrade {name}'s talents", "{name} talent level up books")),
    },
    "boss_drop": {
        "which": ("train", ("what boss drop does {name} need", "which boss does {name} need", "{name} boss material")),
        "ascend": ("train", ("what boss do i farm for {name}", "{name} ascension boss")),
        "fight": ("validation", ("which boss should i fight for {name}", "what world boss is {name}'s")),
        "drop": ("test", ("what does {name} need from bosses", "boss item for {name}")),
    },
    "local_specialty": {
        "which": (
            "train",
            ("what local specialty does {name} need", "which specialty does {name} use", "{name} local specialty"),
        ),
        "collect": ("train", ("what do i collect for {name}", "what plant does {name} need")),
        "gather": ("validation", ("what should i gather for {name}", "{name} ascension flower?")),
        "pick": ("test", ("what local item does {name} ascend with", "which specialty to pick up for {name}")),
    },
    "weekly_boss_drop": {
        "which": (
            "train",
            ("what weekly boss drop does {name} need", "which weekly boss for {name}", "{name} weekly boss"),
        ),
        "weekly": ("train", ("what weekly material does {name} use", "{name} weekly mats?")),
        "farm": ("validation", ("which weekly should i farm for {name}", "{name} needs which weekly drop")),
        "trounce": ("test", ("what trounce domain drop does {name} need", "weekly boss item for {name}")),
    },
    "normal_attack": {
        "what": (
            "train",
            ("what is {name}'s normal attack", "what does {name}'s normal attack do", "{name} normal attack"),
        ),
        "auto": ("train", ("{name} na", "{name} auto attack?", "what are {name}'s normal attacks called")),
        "basic": ("validation", ("how does {name}'s basic attack work", "{name} basic attack")),
        "explain": ("test", ("explain {name}'s normal attack", "describe {name}'s attacks")),
    },
    "skill": {
        "what": (
            "train",
            ("what is {name}'s elemental skill", "what does {name}'s skill do", "{name} elemental skill"),
        ),
        "e": ("train", ("{name} e", "what does {name} e do", "{name}s e?", "what's {name}'s e called")),
        "how": ("validation", ("how does {name}'s skill work", "{name} e explained")),
        "explain": ("test", ("explain {name}'s elemental skill", "what is the e of {name}")),
    },
    "burst": {
        "what": (
            "train",
            ("what is {name}'s elemental burst", "what does {name}'s burst do", "{name} elemental burst"),
        ),
        "q": ("train", ("{name} q", "what does {name}'s q do", "{name} ult", "what's {name}'s ult called")),
        "how": ("validation", ("how does {name}'s burst work", "{name} q explained")),
        "explain": ("test", ("explain {name}'s elemental burst", "what is the ult of {name}")),
    },
    "passives": {
        "what": ("train", ("what are {name}'s passives", "what passive talents does {name} have", "{name} passives")),
        "list": ("train", ("list {name}'s passives", "{name} passive talents?")),
        "names": ("validation", ("names of {name}'s passives", "which passives does {name} get")),
        "all": ("test", ("all passive talents of {name}", "what passives come with {name}")),
    },
    "passive_effect": {
        "do": ("train", ("what does {name}'s {passive} do", "{name} {passive}", "what is {name}'s {passive}")),
        "effect": ("train", ("{name} passive {passive} effect", "{passive} {name}?")),
        "work": ("validation", ("how does {name}'s {passive} work", "{name}'s passive {passive}?")),
        "explain": ("test", ("explain {passive} from {name}", "what's {passive} on {name}")),
    },
    "constellation_level": {
        "c": ("train", ("{name} c{n}", "c{n} {name}", "what is {name}'s c{n}", "what does {name} c{n} do")),
        "cons": ("train", ("{name}'s c{n}?", "what does c{n} do for {name}", "{name} c{n} effect")),
        "worth": ("validation", ("what do i get from {name} c{n}", "{name} c{n} what does it give")),
        "explain": ("test", ("explain {name} c{n}", "tell me about c{n} {name}")),
    },
    "abilities": {
        "about": ("train", ("tell me about {name}'s abilities", "what are {name}'s abilities", "{name} kit")),
        "can": ("train", ("what can {name} do", "{name} abilities?", "{name}'s talents")),
        "moves": ("train", ("what moves does {name} have", "list {name}'s talents", "show me {name}'s kit")),
        "look": (
            "train",
            ("what does {name}'s kit look like", "{name} skill and burst and passives", "all of {name}'s talents"),
        ),
        "describe": ("validation", ("describe {name}'s kit", "how does {name} fight")),
        "skills": ("test", ("what skills does {name} have", "break down {name}'s kit")),
    },
    # Questions about a real character that the game data cannot answer: admitted, never the
    # off-topic reply (the reader marks them `<beyond>`).
    "beyond_data": {
        "build": ("train", ("best build for {name}", "how tall is {name}", "is {name} worth pulling", "{name} tier?")),
        "rate": ("train", ("is {name} meta", "how much does {name} weigh", "best team for {name}", "{name} team comp")),
        "age": ("validation", ("how old is {name}", "what's {name}'s height", "{name} rotation?")),
        "opinion": ("test", ("is {name} better than the rest", "best artifacts for {name}", "is {name} f2p friendly")),
    },
    "who_is": {
        "who": ("train", ("who is {name}", "who's {name}", "tell me about {name}", "{name}?")),
        "info": ("train", ("info on {name}", "{name} info", "what do you know about {name}")),
        "describe": ("train", ("describe {name}", "what can you tell me about {name}", "quick overview of {name}")),
        "rundown": ("train", ("{name} overview", "give me the rundown on {name}", "brief me on {name}")),
        "explain": ("validation", ("explain who {name} is", "who even is {name}")),
        "introduce": ("test", ("introduce {name}", "give me a summary of {name}")),
    },
    "claim_element": {
        "is": ("train", ("is {name} {value}", "is {name} a {value} character", "{name} is {value}?")),
        "vision": ("train", ("does {name} have a {value} vision", "{name} {value}?")),
        "right": ("validation", ("{name} is {value} right?", "is {name} {value} or not")),
        "wait": ("test", ("wait is {name} {value}", "am i right that {name} is {value}")),
    },
    "claim_weapon": {
        "use": ("train", ("does {name} use a {value}", "is {name} a {value} user", "{name} uses a {value}?")),
        "wield": ("train", ("does {name} wield a {value}", "{name} {value} user?")),
        "right": ("validation", ("{name} uses a {value} right?", "is {name} a {value} character")),
        "wait": ("test", ("wait does {name} use a {value}", "am i right that {name} uses a {value}")),
    },
    "claim_region": {
        "from": ("train", ("is {name} from {value}", "does {name} come from {value}", "{name} from {value}?")),
        "born": ("train", ("was {name} born in {value}", "is {name} a {value} character")),
        "right": ("validation", ("{name} is from {value} right?", "is {name} from {value} or not")),
        "wait": ("test", ("wait is {name} from {value}", "am i right that {name} is from {value}")),
    },
    "same_element": {
        "same": (
            "train",
            ("are {a} and {b} the same element", "do {a} and {b} have the same element", "{a} and {b} same element?"),
        ),
        "share": ("train", ("do {a} and {b} share an element", "same element {a} {b}")),
        "versus": (
            "train",
            ("is {a}'s element the same as {b}'s", "{a} vs {b} element", "do {a} and {b} have matching elements"),
        ),
        "as": ("validation", ("is {a} the same element as {b}", "{a} {b} same vision?")),
        "both": ("test", ("are {a} and {b} both the same element", "do {a} and {b} use the same vision")),
    },
    "same_region": {
        "same": (
            "train",
            (
                "are {a} and {b} from the same nation",
                "are {a} and {b} from the same region",
                "{a} and {b} same region?",
            ),
        ),
        "come": ("train", ("do {a} and {b} come from the same place", "same nation {a} {b}")),
        "versus": (
            "train",
            ("is {a}'s nation the same as {b}'s", "{a} vs {b} region", "do {a} and {b} share a nation"),
        ),
        "as": ("validation", ("is {a} from the same nation as {b}", "{a} {b} same nation?")),
        "both": ("test", ("are {a} and {b} both from the same country", "do {a} and {b} share a homeland")),
    },
    "same_weapon": {
        "same": (
            "train",
            (
                "do {a} and {b} use the same weapon",
                "do {a} and {b} use the same weapon type",
                "{a} and {b} same weapon?",
            ),
        ),
        "share": ("train", ("do {a} and {b} share a weapon type", "same weapon {a} {b}")),
        "versus": (
            "train",
            ("is {a}'s weapon the same as {b}'s", "{a} vs {b} weapon", "do {a} and {b} wield the same weapon"),
        ),
        "as": ("validation", ("does {a} use the same weapon as {b}", "{a} {b} same weapon type?")),
        "both": ("test", ("are {a} and {b} both using the same weapon", "can {a} and {b} share weapons")),
    },
    "list_element_weapon": {
        "which": (
            "train",
            (
                "which {element} {weapon} users are there",
                "list {element} {weapon} characters",
                "{element} {weapon} characters",
            ),
        ),
        "who": (
            "train",
            (
                "who are the {element} {weapon} users",
                "{element} {weapon}s?",
                "what {element} characters use a {weapon}",
            ),
        ),
        "all": ("validation", ("all {element} {weapon} users", "name every {element} {weapon} character")),
        "any": ("test", ("are there any {element} {weapon} characters", "give me the {element} {weapon} users")),
    },
    "list_element_region": {
        "which": (
            "train",
            (
                "which {element} characters are from {region}",
                "{element} characters from {region}",
                "list {region} {element} characters",
            ),
        ),
        "who": ("train", ("who is {element} in {region}", "{region} {element} users?")),
        "all": ("validation", ("all {element} characters in {region}", "name the {element} characters of {region}")),
        "any": ("test", ("which {region} characters are {element}", "give me {element} units from {region}")),
    },
    "talent_book.days": {
        "days": (
            "train",
            (
                "which days is {name} domain open",
                "what days can i farm {name} books",
                "{name} books days",
                "when is {name} available",
            ),
        ),
        "when": ("train", ("when can i farm {name}", "{name} talent book schedule", "what day is {name}")),
        "today": ("validation", ("is {name} farmable today", "which weekdays have {name}")),
        "domain": ("test", ("where and when do i get {name} books", "{name} domain days?")),
    },
    "weapon_material.days": {
        "days": ("train", ("which days is {name} open", "what days can i farm {name}", "{name} days")),
        "when": ("train", ("when can i get {name} materials", "{name} weapon mats schedule")),
        "today": ("validation", ("is {name} farmable today", "which weekdays have {name} mats")),
        "domain": ("test", ("where and when do i get {name}", "{name} domain days?")),
    },
    "weapon.type": {
        "what": ("train", ("what type of weapon is {name}", "what weapon type is {name}", "is {name} a sword")),
        "kind": ("train", ("what kind of weapon is {name}", "{name} is what weapon")),
        "class": ("validation", ("which weapon class is {name}", "who can equip {name}")),
        "category": ("test", ("what category is {name}", "{name} weapon category")),
    },
    "weapon.rarity": {
        "stars": ("train", ("how many stars is {name}", "what rarity is {name}", "is {name} a 5 star")),
        "star": ("train", ("{name} 4 star or 5 star", "{name} how many stars")),
        "rare": ("validation", ("how rare is {name}", "{name} rarity level")),
        "tier": ("test", ("is {name} a four or five star weapon", "what star is {name}")),
    },
    "weapon.substat": {
        "what": ("train", ("what is {name}'s substat", "what substat does {name} have", "{name} substat")),
        "stat": ("train", ("what stat does {name} give", "{name} secondary stat?")),
        "main": ("validation", ("which stat is on {name}", "{name} gives what stat")),
        "roll": ("test", ("what's the bonus stat on {name}", "second stat of {name}")),
    },
    "weapon.passive": {
        "what": ("train", ("what does {name} do", "what is {name}'s passive", "{name} passive")),
        "effect": ("train", ("{name} effect", "what is the passive of {name}", "{name} r1 passive")),
        "work": ("validation", ("how does {name} work", "{name} refinement effect")),
        "explain": ("test", ("explain {name}'s passive", "what's special about {name}")),
    },
    "weapon.material": {
        "what": (
            "train",
            ("what ascension material does {name} need", "{name} ascension materials", "what does {name} ascend with"),
        ),
        "farm": ("train", ("what do i farm for {name}", "{name} mats?", "when can i farm {name}'s mats")),
        "level": ("validation", ("what do i need to level {name}", "materials for {name}")),
        "upgrade": ("test", ("what materials does {name} need to upgrade", "{name} upgrade mats")),
    },
    "artifact.two_piece": {
        "what": ("train", ("what is {name}'s 2-piece bonus", "what does {name} 2pc do", "{name} 2 piece")),
        "two": ("train", ("{name} 2pc", "{name} two piece effect", "what do 2 pieces of {name} give")),
        "set": ("validation", ("what does the {name} 2 set do", "{name} 2 set bonus?")),
        "pair": ("test", ("what do i get from two {name} pieces", "bonus of 2 {name} artifacts")),
    },
    "artifact.four_piece": {
        "what": ("train", ("what is {name}'s 4-piece bonus", "what does {name} 4pc do", "{name} 4 piece")),
        "four": ("train", ("{name} 4pc", "{name} four piece effect", "what do 4 pieces of {name} give")),
        "set": ("validation", ("what does the {name} 4 set do", "{name} 4 set bonus?")),
        "full": ("test", ("what do i get from four {name} pieces", "full set bonus of {name}")),
    },
}

# Questions that are not about the game's facts: kind -> family -> (split, questions).
_FIXED: dict[str, dict[str, tuple[str, tuple[str, ...]]]] = {
    "greeting": {
        "hi": ("train", ("hi", "hello", "hey", "hi there", "hello there", "hiya", "heya", "heyo", "hii", "helo")),
        "named": (
            "train",
            ("hey katheryne", "hello katheryne!", "hi katheryne", "yo katheryne", "hey bot", "katheryne hi"),
        ),
        "time": ("train", ("good morning", "good evening", "good afternoon", "morning!", "gm", "evening all")),
        "casual": ("validation", ("yo", "sup", "howdy", "greetings", "what's up", "wassup")),
        "warm": ("test", ("hello friend", "hey there buddy", "hi hi", "good day to you", "hey hey", "oh hi")),
    },
    "thanks": {
        "thanks": (
            "train",
            ("thanks", "thank you", "thx", "ty", "tysm", "thanks a lot", "thank you so much", "thanks!", "many thanks"),
        ),
        "praise": (
            "train",
            ("great thanks!", "perfect, thank you", "awesome thanks", "cool thx", "nice, ty", "good bot"),
        ),
        "appreciate": ("validation", ("appreciate it", "cheers", "much appreciated", "thank u")),
        "helped": ("test", ("that helped, thanks", "you're the best", "thanks a ton", "big thanks")),
    },
    "identity": {
        "who": (
            "train",
            ("who are you", "what are you", "who r u", "what's your name", "whats ur name", "who am i talking to"),
        ),
        "bot": ("train", ("are you a bot", "are you human", "are you an ai", "are you real")),
        "intro": ("validation", ("introduce yourself", "tell me about yourself", "what is katheryne")),
        "made": ("test", ("what kind of bot are you", "who is this bot", "are you a person")),
    },
    "capabilities": {
        "can": (
            "train",
            (
                "what can you do",
                "what can i ask you",
                "what do you know",
                "help",
                "what questions can you answer",
                "how do i use you",
            ),
        ),
        "how": ("train", ("how does this work", "what are you for", "what do you do", "commands?")),
        "able": ("validation", ("what are you able to do", "how can you help me", "what should i ask")),
        "features": (
            "test",
            ("what are your features", "what kind of questions do you take", "show me what you can do"),
        ),
    },
    "offtopic": {
        "weather": (
            "train",
            ("what's the weather", "is it going to rain today", "weather tomorrow?", "how hot is it outside"),
        ),
        "homework": (
            "train",
            (
                "can you do my homework",
                "solve 2x + 3 = 7",
                "what is 2+2",
                "explain photosynthesis",
                "who won the world cup",
            ),
        ),
        "games": (
            "train",
            (
                "how do i beat malenia in elden ring",
                "best deck in hearthstone",
                "is minecraft better than roblox",
                "valorant rank tips",
            ),
        ),
        "sql": (
            "train",
            ("'; DROP TABLE conversations; --", "SELECT * FROM users;", "1 OR 1=1", "<script>alert(1)</script>"),
        ),
        "noise": ("train", ("...", "???", "!!!", "asdfghjkl", "😂😂😂", "🔥", "lol", "ok", "@everyone", "hmm")),
        "language": ("train", ("¿qué hora es?", "comment ça va", "wie geht's", "как дела", "今日はいい天気ですね")),
        "chat": (
            "train",
            (
                "tell me a joke",
                "write me a poem",
                "what time is it",
                "recommend a movie",
                "how do i cook rice",
                "i'm bored",
            ),
        ),
        "life": (
            "validation",
            (
                "what should i eat for dinner",
                "how do i fix my wifi",
                "translate hello to french",
                "what's the capital of france",
                "sing a song",
            ),
        ),
        "odd": ("validation", ("@here", ",,,", "🙃", "--", "null", "DELETE FROM answers", "obrigado, tudo bem?")),
        "other": (
            "test",
            (
                "what's the stock price of apple",
                "who is the president",
                "how far is the moon",
                "give me a recipe for pancakes",
                "best phone to buy",
            ),
        ),
        "junk": ("test", ("....", "?!", "💀💀", "qwerty", "' OR '1'='1", "@everyone look", "ciao come stai")),
    },
}


def families() -> dict[str, tuple[Family, ...]]:
    """Every phrasing family of every kind: the kind's own and the shapes with its field words."""
    table: dict[str, list[Family]] = {}
    for kind, own in _SPECIFIC.items():
        table[kind] = [Family(f"{kind}:{name}", split, patterns) for name, (split, patterns) in own.items()]
    for kind, words in FIELD_WORDS.items():
        for shape, (split, patterns) in SHAPES.items():
            expanded = tuple(pattern.replace("{field}", word) for pattern in patterns for word in words)
            table.setdefault(kind, []).append(Family(f"{kind}:shape.{shape}", split, expanded))
    for kind, own in _FIXED.items():
        table[kind] = [Family(f"{kind}:{name}", split, questions) for name, (split, questions) in own.items()]
    return {kind: tuple(found) for kind, found in table.items()}
