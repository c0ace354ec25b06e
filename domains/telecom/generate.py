"""Deterministic generator of the Larkspur Telecom seed data (``data/<table>.json``).

``tautrait domains generate telecom`` writes :func:`tables` into ``data/`` (``--check``
compares instead). Every choice comes from ``random.Random(SEED)`` (ids from one
``random.Random`` per id prefix, seeded from SEED) and the domain's fixed time
(``rules.NOW``); nothing reads the wall clock and no set is ever iterated, so two runs
write identical bytes. Money is handled in integer cents and written as floats rounded
to cents.

The tasks in tasks/telecom/ name rows of this data: after changing the generator, run
``tautrait tasks build --env telecom``; it stops on every task the new data breaks.
"""

from __future__ import annotations

import random
import unicodedata
from datetime import date, datetime, timedelta
from operator import itemgetter
from typing import Any

from .rules import NOW, PER_INVOICE_CREDIT_CAP, ROLLING_CREDIT_CAP

SEED = 73_104
TODAY = NOW.date()
N_ACCOUNTS = 240
N_INVOICES = 6  # monthly invoices per account (fewer for recent customers)

Row = dict[str, Any]

# ---------------------------------------------------------------------------------------
# The world: cities, streets, names, catalogue
# ---------------------------------------------------------------------------------------

CITIES: list[tuple[str, list[str]]] = [
    ("Brennick Falls", ["73104", "73106", "73109"]),
    ("Alder Cove", ["73215", "73218"]),
    ("Port Saffron", ["73320", "73322", "73327"]),
    ("Millbridge", ["73431", "73433"]),
    ("Quillon Heights", ["73540", "73544"]),
    ("Tessary", ["73652"]),
    ("Eastmere", ["73760", "73761"]),
    ("Rookhaven", ["73872", "73875"]),
    ("Juniper Crossing", ["73981"]),
    ("Carrow Point", ["74090", "74093"]),
]

STREETS = [
    "Larch Row",
    "Vesper Lane",
    "Coppergate Road",
    "Mariner Street",
    "Old Quarry Road",
    "Heron Walk",
    "Tinsmith Avenue",
    "Saltmarsh Drive",
    "Bellwether Court",
    "Kiln Street",
    "Orchard Terrace",
    "Lantern Hill Road",
    "Foundry Lane",
    "Wren Crescent",
    "Millrace Way",
    "Harbor View Drive",
    "Chandler Street",
    "Juniper Loop",
    "Ferry Landing Road",
    "Slate Ridge Avenue",
    "Quarry Bend",
    "Beacon Street",
    "Thistle Park Lane",
    "Cobbler's Row",
    "Granary Road",
    "Spindle Court",
    "Marigold Avenue",
    "Weir Street",
]

# (first names, last names) per naming tradition; a person takes both from one list.
NAMES: list[tuple[list[str], list[str]]] = [
    (
        ["Haruto", "Yui", "Sota", "Aoi", "Ren", "Hina", "Kenji", "Emi", "Takumi", "Sakura"],
        ["Tanaka", "Watanabe", "Kobayashi", "Yamamoto", "Nakamura", "Fujita", "Ishikawa", "Mori"],
    ),
    (
        ["Adebayo", "Chiamaka", "Oluwaseun", "Ngozi", "Emeka", "Funmilayo", "Chidi", "Tolu"],
        ["Okafor", "Adeyemi", "Eze", "Balogun", "Nwosu", "Ogunleye", "Okonkwo"],
    ),
    (
        ["Aarav", "Priya", "Rohan", "Ananya", "Vikram", "Kavya", "Arjun", "Meera", "Sanjay"],
        ["Sharma", "Iyer", "Patel", "Reddy", "Banerjee", "Nair", "Gupta", "Menon"],
    ),
    (
        ["Alejandro", "Guadalupe", "Mateo", "Ximena", "Diego", "Valeria", "Luis", "Camila"],
        ["Hernández", "Ramírez", "Morales", "Castillo", "Vargas", "Mendoza", "Ortega"],
    ),
    (
        ["Katarzyna", "Tomasz", "Agnieszka", "Piotr", "Zofia", "Marek", "Ewa"],
        ["Nowak", "Wójcik", "Kaczmarek", "Mazur", "Krawczyk", "Dudek"],
    ),
    (
        ["Minh", "Linh", "Quang", "Thao", "Huy", "Ngoc", "Duc", "Mai"],
        ["Nguyen", "Tran", "Le", "Pham", "Hoang", "Vu", "Dang"],
    ),
    (
        ["Omar", "Layla", "Karim", "Nadia", "Yousef", "Rania", "Tarek", "Salma"],
        ["Haddad", "Khoury", "Mansour", "Nasser", "Saleh", "Farouk", "Aziz"],
    ),
    (
        ["Siobhan", "Ciaran", "Aoife", "Declan", "Niamh", "Padraig", "Orla"],
        ["O'Brien", "Murphy", "Gallagher", "Doyle", "Keane", "Byrne"],
    ),
    (
        ["Min-jun", "Seo-yeon", "Ji-ho", "Ha-eun", "Do-yun", "Su-bin", "Jae-won"],
        ["Kim", "Park", "Choi", "Jung", "Kang", "Yoon", "Lim"],
    ),
    (
        ["João", "Larissa", "Thiago", "Beatriz", "Rafael", "Juliana", "Gustavo"],
        ["Silva", "Oliveira", "Souza", "Carvalho", "Ribeiro", "Almeida", "Barbosa"],
    ),
    (
        ["Abebe", "Selam", "Dawit", "Hiwot", "Yonas", "Meron", "Tesfaye"],
        ["Bekele", "Tadesse", "Girma", "Haile", "Alemu", "Wolde", "Kebede"],
    ),
    (
        ["Jose", "Maricel", "Ramon", "Kristine", "Paolo", "Jasmine", "Rodel"],
        ["Santos", "Reyes", "Dela Cruz", "Bautista", "Villanueva", "Aquino"],
    ),
    (
        ["Emre", "Elif", "Burak", "Zeynep", "Mehmet", "Ayşe", "Can"],
        ["Yılmaz", "Demir", "Kaya", "Şahin", "Çelik", "Aydın", "Öztürk"],
    ),
    (
        ["Nikos", "Eleni", "Giorgos", "Katerina", "Dimitris", "Sofia", "Yannis"],
        ["Papadopoulos", "Georgiou", "Nikolaidis", "Christodoulou", "Karagiannis"],
    ),
    (
        ["Lars", "Ingrid", "Erik", "Astrid", "Johan", "Maja", "Henrik"],
        ["Lindqvist", "Bergström", "Johansson", "Sandberg", "Holm", "Nyberg"],
    ),
    (
        ["Wei", "Xiaoling", "Jun", "Mei", "Hao", "Yan", "Zhiwei", "Lihua"],
        ["Chen", "Wang", "Liu", "Zhang", "Huang", "Zhou", "Lin", "Guo"],
    ),
    (
        ["Kwame", "Akosua", "Kofi", "Ama", "Yaw", "Efua", "Kwabena"],
        ["Mensah", "Owusu", "Asante", "Boateng", "Appiah", "Osei"],
    ),
    (
        ["Dariush", "Shirin", "Reza", "Parisa", "Kian", "Leila", "Arash"],
        ["Hosseini", "Tehrani", "Karimi", "Rahimi", "Moradi", "Jafari"],
    ),
    (
        ["Olena", "Andriy", "Natalia", "Taras", "Iryna", "Bohdan", "Oksana"],
        ["Kovalenko", "Bondarenko", "Melnyk", "Tkachenko", "Lysenko"],
    ),
    (
        ["Giulia", "Marco", "Francesca", "Luca", "Chiara", "Matteo", "Alessandra"],
        ["Rossi", "Bianchi", "Esposito", "Romano", "Colombo", "Ricci", "Marino"],
    ),
    (
        ["Emily", "James", "Hannah", "Michael", "Olivia", "Daniel", "Grace", "Tyler"],
        ["Whitaker", "Brooks", "Sullivan", "Hayes", "Fletcher", "Carver", "Pruitt"],
    ),
    (
        ["Andre", "Shanice", "Marlon", "Kimone", "Dwayne", "Tanisha"],
        ["Campbell", "Grant", "Francis", "McKenzie", "Thompson"],
    ),
    (
        ["Lukas", "Anna", "Jonas", "Lena", "Felix", "Miriam"],
        ["Becker", "Hoffmann", "Schuster", "Krüger", "Vogel"],
    ),
    (
        ["Abdi", "Hodan", "Mahad", "Faadumo", "Ayaan", "Liban"],
        ["Warsame", "Farah", "Abdullahi", "Jama", "Hassan"],
    ),
    (["Tupac", "Killa", "Wayra", "Sisa", "Inti"], ["Mamani", "Quispe", "Condori", "Huaman"]),
    (["Ilana", "Avi", "Noa", "Eitan", "Tamar"], ["Levi", "Mizrahi", "Peretz", "Friedman"]),
]

EMAIL_DOMAINS = ["example.com", "example.net", "example.org", "mail.example", "post.example"]

# plan_id, name, line_type, price (cents), data_gb, hotspot_gb, speed_mbps, available, text
PLANS: list[tuple[str, str, str, int, int | None, int, int | None, bool, str]] = [
    (
        "MOB-SPARK5",
        "Spark 5",
        "mobile",
        2500,
        5,
        0,
        None,
        True,
        "5 GB of high-speed data, unlimited talk and text; data slows to 256 kbps after 5 GB.",
    ),
    (
        "MOB-SPARK15",
        "Spark 15",
        "mobile",
        3500,
        15,
        5,
        None,
        True,
        "15 GB of high-speed data including 5 GB of hotspot, unlimited talk and text.",
    ),
    (
        "MOB-HZN",
        "Horizon Unlimited",
        "mobile",
        5500,
        None,
        15,
        None,
        True,
        "Unlimited data, talk and text; 15 GB of hotspot; calls to 20 countries included.",
    ),
    (
        "MOB-HZNMAX",
        "Horizon Unlimited Max",
        "mobile",
        7250,
        None,
        50,
        None,
        True,
        "Unlimited data with priority speeds, 50 GB of hotspot, 4K streaming, calls to 60 "
        "countries included.",
    ),
    (
        "MOB-CLASSIC10",
        "Classic 10",
        "mobile",
        3000,
        10,
        0,
        None,
        False,
        "Legacy plan (no longer offered): 10 GB of data, unlimited talk and text.",
    ),
    (
        "MOB-TALKTXT",
        "Talk & Text Essentials",
        "mobile",
        1500,
        1,
        0,
        None,
        False,
        "Legacy plan (no longer offered): unlimited talk and text with 1 GB of data.",
    ),
    (
        "HOM-FIBER300",
        "Fiber 300",
        "home_internet",
        4500,
        None,
        0,
        300,
        True,
        "Fiber home internet, 300 Mbps down and up, no data cap.",
    ),
    (
        "HOM-FIBER1G",
        "Fiber 1 Gig",
        "home_internet",
        6800,
        None,
        0,
        1000,
        True,
        "Fiber home internet, 1 Gbps down and up, no data cap.",
    ),
    (
        "HOM-FIBER2G",
        "Fiber 2 Gig",
        "home_internet",
        9200,
        None,
        0,
        2000,
        True,
        "Fiber home internet, 2 Gbps down and up, no data cap, Wi-Fi 7 gateway.",
    ),
    (
        "HOM-AIR100",
        "Air 100",
        "home_internet",
        3999,
        None,
        0,
        100,
        True,
        "Fixed-wireless home internet up to 100 Mbps where fiber is not available.",
    ),
    (
        "HOM-COPPER25",
        "Copper 25",
        "home_internet",
        2999,
        None,
        0,
        25,
        False,
        "Legacy copper-line internet up to 25 Mbps (no longer offered).",
    ),
    (
        "WRB-LINK",
        "Wrist Link",
        "wearable",
        1000,
        None,
        0,
        None,
        True,
        "Smartwatch line sharing the paired phone's number; calls, texts and data on the watch.",
    ),
    (
        "WRB-LINKPLUS",
        "Wrist Link Plus",
        "wearable",
        1500,
        None,
        0,
        None,
        True,
        "Smartwatch line with its own number and watch roaming in 30 countries.",
    ),
]

# addon_id, name, kind, line_type, price (cents), duration_days, region, available, text
ADDONS: list[tuple[str, str, str, str, int, int | None, str | None, bool, str]] = [
    (
        "ADD-HOTSPOT20",
        "Hotspot Boost 20 GB",
        "feature",
        "mobile",
        1000,
        None,
        None,
        True,
        "Adds 20 GB of hotspot data each month.",
    ),
    (
        "ADD-INTLCALL",
        "World Calling 300",
        "feature",
        "mobile",
        800,
        None,
        None,
        True,
        "300 minutes a month of calls to landlines and mobiles in 80 countries.",
    ),
    (
        "ADD-PROTECT",
        "Device Protection",
        "feature",
        "mobile",
        1250,
        None,
        None,
        True,
        "Covers accidental damage, loss and theft of the line's phone (claim deductible applies).",
    ),
    (
        "ADD-CLOUD200",
        "Cloud Vault 200 GB",
        "feature",
        "mobile",
        399,
        None,
        None,
        True,
        "200 GB of encrypted photo and file backup.",
    ),
    (
        "ADD-CALLGUARD",
        "Call Guard Pro",
        "feature",
        "mobile",
        299,
        None,
        None,
        True,
        "Blocks suspected scam calls and shows caller names.",
    ),
    (
        "ADD-VOICEMAIL",
        "Visual Voicemail Plus",
        "feature",
        "mobile",
        199,
        None,
        None,
        False,
        "Legacy voicemail transcription (no longer offered).",
    ),
    (
        "ADD-STATICIP",
        "Static IP Address",
        "feature",
        "home_internet",
        1000,
        None,
        None,
        True,
        "A fixed public IPv4 address for the home connection.",
    ),
    (
        "ADD-MESH",
        "Mesh Extender Rental",
        "feature",
        "home_internet",
        750,
        None,
        None,
        True,
        "Rental of one mesh Wi-Fi extender, replaced free if it fails.",
    ),
    (
        "ADD-HOMESHIELD",
        "Home Shield Security",
        "feature",
        "home_internet",
        599,
        None,
        None,
        True,
        "Network-level malware and phishing protection for every home device.",
    ),
    (
        "ADD-WATCHCARE",
        "Watch Care",
        "feature",
        "wearable",
        450,
        None,
        None,
        True,
        "Accidental damage cover for the watch on this line.",
    ),
    (
        "RP-EU7",
        "Europe 7-Day Pass",
        "roaming_pass",
        "mobile",
        3500,
        7,
        "Europe",
        True,
        "7 days of calls, texts and 10 GB of data in 40 European countries.",
    ),
    (
        "RP-EU30",
        "Europe 30-Day Pass",
        "roaming_pass",
        "mobile",
        7500,
        30,
        "Europe",
        True,
        "30 days of calls, texts and 30 GB of data in 40 European countries.",
    ),
    (
        "RP-AMER7",
        "Americas 7-Day Pass",
        "roaming_pass",
        "mobile",
        2500,
        7,
        "Americas",
        True,
        "7 days of calls, texts and 8 GB of data in Canada, Mexico, Central and South America.",
    ),
    (
        "RP-APAC10",
        "Asia-Pacific 10-Day Pass",
        "roaming_pass",
        "mobile",
        4500,
        10,
        "Asia-Pacific",
        True,
        "10 days of calls, texts and 12 GB of data in 18 Asia-Pacific countries.",
    ),
    (
        "RP-GLOBAL30",
        "Worldwide 30-Day Pass",
        "roaming_pass",
        "mobile",
        11000,
        30,
        "Worldwide",
        True,
        "30 days of calls, texts and 25 GB of data in 150 countries.",
    ),
    (
        "RP-CARIB3",
        "Caribbean 3-Day Pass",
        "roaming_pass",
        "mobile",
        1500,
        3,
        "Caribbean",
        True,
        "3 days of calls, texts and 3 GB of data on 20 Caribbean islands.",
    ),
]

# model, price (cents), 8-digit type allocation code for IMEIs
PHONES: list[tuple[str, int, str]] = [
    ("Orbit X2", 89900, "35827411"),
    ("Orbit X2 Max", 109900, "35827412"),
    ("Orbit S1", 64900, "35827409"),
    ("Pellucid 14", 79900, "35491206"),
    ("Pellucid 14 Pro", 114900, "35491207"),
    ("Nova Lite 5", 32900, "86433105"),
    ("Nova 5", 49900, "86433106"),
    ("Tern Fold", 139900, "35066318"),
    ("Tern S", 57900, "35066314"),
]
WATCHES: list[tuple[str, int, str]] = [
    ("Pulse Watch 3", 34900, "35930822"),
    ("Pulse Watch 3 Sport", 39900, "35930823"),
]
ROUTERS = {
    "fiber": ("LarkLink Fiber Gateway G3", "LLG3"),
    "fiber7": ("LarkLink Fiber Gateway G4 (Wi-Fi 7)", "LLG4"),
    "air": ("LarkLink Air Receiver A1", "LLA1"),
    "copper": ("LarkLink DSL Modem M2", "LLM2"),
}
SIM_MODEL = "Larkspur SIM card"

OUTAGE_CAUSES = {
    "mobile": [
        "Power failure at a cell site",
        "Storm damage to a cell tower antenna",
        "Backhaul fiber cut during road works",
        "Radio equipment fault at a cell site",
        "Planned cell site upgrade ran over schedule",
    ],
    "home_internet": [
        "Fiber cable cut during construction work",
        "Optical line terminal fault at the local exchange",
        "Flooded street cabinet",
        "Core router software fault",
        "Planned fiber maintenance ran over schedule",
    ],
}

# by category, and for line-level categories by "category:line_type"
TICKET_SUBJECTS = {
    "billing": [
        "Question about charges on the latest bill",
        "Autopay did not run this month",
        "Charged twice for the same payment",
        "Wants an itemised copy of an older bill",
        "Late fee dispute",
    ],
    "account": [
        "Update the billing address",
        "Request to reset the account PIN",
        "Add an authorised contact to the account",
        "Paper bills still arriving after opting out",
    ],
    "network:mobile": [
        "Calls drop inside the house",
        "No signal in the basement office",
        "Slow mobile data downtown",
    ],
    "network:home_internet": [
        "Fiber speed much lower in the evening",
        "Home internet drops every few hours",
    ],
    "network:wearable": ["Watch loses signal away from the phone"],
    "device:mobile": [
        "Phone screen flickers after update",
        "Battery drains within a few hours",
        "SIM not detected after drop",
    ],
    "device:home_internet": ["Gateway reboots on its own", "Gateway Wi-Fi light blinking red"],
    "device:wearable": ["Watch no longer syncs with phone"],
    "plan:mobile": [
        "Comparing unlimited plans for a teenager",
        "Hotspot not working on current plan",
        "Roaming pass did not activate abroad",
    ],
    "plan:home_internet": ["Asked about faster fiber tiers", "Static IP not assigned"],
    "plan:wearable": ["Asked whether the watch works abroad"],
}
TICKET_NOTE_TEXTS = {
    "open": ["Customer described the issue; waiting for first review."],
    "in_progress": [
        "Assigned to the second-line team for investigation.",
        "Technician reviewing line diagnostics.",
        "Waiting on a reply from the field team.",
    ],
    "resolved": [
        "Issue fixed and confirmed with the customer.",
        "Configuration corrected remotely; customer to monitor for a week.",
        "Explained the charges; customer satisfied.",
    ],
    "closed": ["No further contact from the customer; ticket closed."],
}


# ---------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------


def money(cents: int) -> float:
    return round(cents / 100, 2)


def add_months(day: date, months: int, dom: int | None = None) -> date:
    month_index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(month_index, 12)
    return date(year, month + 1, dom if dom is not None else day.day)


def luhn_digit(digits: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def ascii_slug(text: str) -> str:
    text = text.replace("ı", "i").replace("ş", "s").replace("ç", "c").replace("ğ", "g")
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in folded.lower() if ch.isalnum())


class Ids:
    """Unique random numeric ids, one random stream per prefix.

    Each prefix draws from its own ``random.Random`` (seeded from SEED and the prefix), so
    adding a row to one table never shifts the ids, or any other random choice, of the
    rest of the data. The ``used`` sets are only used for membership tests.
    """

    def __init__(self) -> None:
        self.rngs: dict[str, random.Random] = {}
        self.used: dict[str, set[int]] = {}

    def new(self, prefix: str, digits: int) -> str:
        rng = self.rngs.setdefault(prefix, random.Random(f"{SEED}-{prefix}"))
        used = self.used.setdefault(prefix, set())
        low = 10 ** (digits - 1)
        while True:
            n = rng.randrange(low, low * 10 - low // 2)
            if n not in used:
                used.add(n)
                return f"{prefix}{n}"


class Generator:
    def __init__(self) -> None:
        self.rng = random.Random(SEED)
        self.ids = Ids()
        self.phones_used: set[str] = set()
        self.names_used: set[str] = set()
        self.tables: dict[str, list[Row]] = {
            name: []
            for name in (
                "customers",
                "payment_methods",
                "plans",
                "addons",
                "lines",
                "line_addons",
                "devices",
                "invoices",
                "invoice_items",
                "payments",
                "credits",
                "tickets",
                "ticket_notes",
                "outages",
                "outage_reports",
                "usage_records",
            )
        }
        self.plans = {p[0]: p for p in PLANS}
        self.addons = {a[0]: a for a in ADDONS}
        # generator-only facts, keyed by id
        self.prev_plan: dict[str, str] = {}
        self.account_lines: dict[str, list[Row]] = {}
        self.account_methods: dict[str, list[Row]] = {}
        self.by_line: dict[str, dict[str, list[Row]]] = {}
        self.current_cycle = TODAY  # start of the current billing cycle of the account

    # --- small random helpers ----------------------------------------------------------

    def pick(self, seq: list[Any]) -> Any:
        return seq[self.rng.randrange(len(seq))]

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def day_between(self, start: date, end: date) -> date:
        if end <= start:
            return start
        return start + timedelta(days=self.rng.randrange((end - start).days + 1))

    def at_time(self, day: date, first_hour: int = 8, last_hour: int = 20) -> datetime:
        """A time of day on ``day``, never later than an hour before NOW."""
        moment = datetime(
            day.year,
            day.month,
            day.day,
            self.rng.randrange(first_hour, last_hour + 1),
            self.rng.randrange(0, 60, 5),
        )
        return min(moment, NOW - timedelta(hours=1))

    def phone_number(self) -> str:
        while True:
            number = (
                f"{self.pick(['472', '538', '619'])}-{self.rng.randrange(201, 990)}-"
                f"{self.rng.randrange(0, 10000):04d}"
            )
            if number not in self.phones_used:
                self.phones_used.add(number)
                return number

    def person(self) -> tuple[str, str, int]:
        while True:
            culture = self.rng.randrange(len(NAMES))
            first = self.pick(NAMES[culture][0])
            last = self.pick(NAMES[culture][1])
            if f"{first} {last}" not in self.names_used:
                self.names_used.add(f"{first} {last}")
                return first, last, culture

    def imei(self, tac: str) -> str:
        body = tac + f"{self.rng.randrange(0, 10**6):06d}"
        return body + luhn_digit(body)

    def iccid(self) -> str:
        body = "891427" + f"{self.rng.randrange(0, 10**12):012d}"
        return body + luhn_digit(body)

    # --- catalogue -----------------------------------------------------------------------

    def catalogue(self) -> None:
        for pid, name, ltype, price, data, hotspot, speed, available, text in PLANS:
            self.tables["plans"].append(
                {
                    "plan_id": pid,
                    "name": name,
                    "line_type": ltype,
                    "monthly_price": money(price),
                    "data_gb": data,
                    "hotspot_gb": hotspot,
                    "speed_mbps": speed,
                    "available": available,
                    "description": text,
                }
            )
        for aid, name, kind, ltype, price, days, region, available, text in ADDONS:
            self.tables["addons"].append(
                {
                    "addon_id": aid,
                    "name": name,
                    "kind": kind,
                    "line_type": ltype,
                    "price": money(price),
                    "duration_days": days,
                    "region": region,
                    "available": available,
                    "description": text,
                }
            )

    # --- accounts ------------------------------------------------------------------------

    def accounts(self) -> None:
        for _ in range(N_ACCOUNTS):
            self.account()

    def account(self) -> None:
        rng = self.rng
        account_id = self.ids.new("AC", 6)
        first, last, culture = self.person()
        city, zips = self.pick(CITIES)
        zip_code = self.pick(zips)
        street = f"{rng.randrange(2, 2400)} {self.pick(STREETS)}"
        if self.chance(0.2):
            street += f", Apt {rng.randrange(1, 40)}{self.pick(['', 'A', 'B', 'C'])}"
        since = self.day_between(date(2011, 3, 1), date(2026, 4, 20))
        email_user = f"{ascii_slug(first)}.{ascii_slug(last)}"
        if self.chance(0.35):
            email_user += str(rng.randrange(1, 99))
        customer: Row = {
            "account_id": account_id,
            "first_name": first,
            "last_name": last,
            "email": f"{email_user}@{self.pick(EMAIL_DOMAINS)}",
            "contact_phone": "",
            "pin": f"{rng.randrange(0, 10000):04d}",
            "street": street,
            "city": city,
            "zip_code": zip_code,
            "customer_since": since.isoformat(),
            "billing_cycle_day": self.pick([1, 4, 7, 10, 13, 16, 19, 22, 25, 28]),
            "credit_balance": money(self.pick([500, 750, 1000, 1250, 2000]))
            if self.chance(0.05)
            else 0.0,
        }
        self.tables["customers"].append(customer)
        self.current_cycle = cycle_start_on_or_before(TODAY, customer["billing_cycle_day"])
        methods = self.payment_methods(account_id, since)
        lines = self.lines(customer, culture, since)
        mobile = [ln for ln in lines if ln["line_type"] == "mobile"]
        customer["contact_phone"] = mobile[0]["phone_number"] if mobile else self.phone_number()
        self.account_lines[account_id] = lines
        self.account_methods[account_id] = methods

    def payment_methods(self, account_id: str, since: date) -> list[Row]:
        rng = self.rng
        methods: list[Row] = []
        count = self.pick([1, 1, 2, 2, 2, 3])
        for i in range(count):
            is_card = i == 0 or self.chance(0.7)
            if is_card:
                # mostly valid cards; some expired ones linger on file
                if i > 0 and self.chance(0.35):
                    exp_year, exp_month = self.pick([(2025, 9), (2025, 12), (2026, 2), (2026, 5)])
                else:
                    exp_year, exp_month = rng.randrange(2026, 2031), rng.randrange(1, 13)
                    if (exp_year, exp_month) < (2026, 7):
                        exp_year = 2027
                brand = self.pick(["visa", "visa", "mastercard", "mastercard", "amex", "discover"])
            else:
                exp_year = exp_month = None
                brand = self.pick(
                    [
                        "Harborline Credit Union",
                        "First Tessary Bank",
                        "Millbridge Savings",
                        "Northwind Cooperative Bank",
                        "Port Saffron Trust",
                    ]
                )
            methods.append(
                {
                    "method_id": self.ids.new("PM", 5),
                    "account_id": account_id,
                    "kind": "card" if is_card else "bank_account",
                    "brand": brand,
                    "last4": f"{rng.randrange(0, 10000):04d}",
                    "exp_month": exp_month,
                    "exp_year": exp_year,
                    "is_autopay": False,
                }
            )
        valid = [m for m in methods if method_valid_on(m, TODAY)]
        if valid and self.chance(0.55):
            self.pick(valid)["is_autopay"] = True
        self.tables["payment_methods"].extend(methods)
        return methods

    def lines(self, customer: Row, culture: int, since: date) -> list[Row]:
        account_id = customer["account_id"]
        lines: list[Row] = []
        internet_only = self.chance(0.1)
        n_mobile = 0 if internet_only else self.pick([1, 1, 1, 1, 2, 2, 2, 3, 3, 4])
        household = [customer["first_name"]]
        while len(household) < n_mobile:
            name = self.pick(NAMES[culture][0])
            if name not in household:
                household.append(name)
        for i in range(n_mobile):
            plan = self.pick(
                [
                    "MOB-SPARK5",
                    "MOB-SPARK15",
                    "MOB-SPARK15",
                    "MOB-HZN",
                    "MOB-HZN",
                    "MOB-HZN",
                    "MOB-HZNMAX",
                    "MOB-HZNMAX",
                    "MOB-CLASSIC10",
                    "MOB-TALKTXT",
                ]
            )
            activated = since if i == 0 else self.day_between(since, TODAY - timedelta(days=20))
            lines.append(
                self.line(
                    account_id, "mobile", f"{household[i]}'s phone", plan, customer, activated
                )
            )
        if internet_only or self.chance(0.4):
            plan = self.pick(
                [
                    "HOM-FIBER300",
                    "HOM-FIBER300",
                    "HOM-FIBER1G",
                    "HOM-FIBER1G",
                    "HOM-FIBER2G",
                    "HOM-AIR100",
                    "HOM-COPPER25",
                ]
            )
            activated = self.day_between(since, TODAY - timedelta(days=20))
            lines.append(
                self.line(account_id, "home_internet", "Home internet", plan, customer, activated)
            )
        if n_mobile and self.chance(0.18):
            plan = self.pick(["WRB-LINK", "WRB-LINK", "WRB-LINKPLUS"])
            activated = self.day_between(max(since, date(2023, 1, 1)), TODAY - timedelta(days=20))
            lines.append(
                self.line(
                    account_id, "wearable", f"{household[0]}'s watch", plan, customer, activated
                )
            )
        return lines

    def line(
        self,
        account_id: str,
        line_type: str,
        label: str,
        plan_id: str,
        customer: Row,
        activated: date,
    ) -> Row:
        line_id = self.ids.new("LN", 5)
        status, reason, suspended_on = "active", None, None
        if line_type != "home_internet" and self.chance(0.05):
            status, reason = (
                "suspended",
                self.pick(["lost_or_stolen", "lost_or_stolen", "temporary_hold"]),
            )
            suspended_on = self.day_between(
                max(activated + timedelta(days=8), TODAY - timedelta(days=40)),
                TODAY - timedelta(days=1),
            )
        last_change = None
        if self.chance(0.3) and (TODAY - activated).days > 60:
            last_change = self.day_between(
                max(activated, TODAY - timedelta(days=400)), TODAY - timedelta(days=2)
            )
            if self.plans[plan_id][7]:  # current plan available: they moved from another one
                options = [p[0] for p in PLANS if p[2] == line_type and p[0] != plan_id]
                self.prev_plan[line_id] = self.pick(options)
            else:
                last_change = None  # nobody moves onto a legacy plan
        last_swap = None
        if line_type == "mobile" and self.chance(0.12):
            last_swap = self.day_between(
                max(activated, TODAY - timedelta(days=300)), TODAY - timedelta(days=1)
            )
        row: Row = {
            "line_id": line_id,
            "account_id": account_id,
            "line_type": line_type,
            "label": label,
            "phone_number": None if line_type == "home_internet" else self.phone_number(),
            "plan_id": plan_id,
            "status": status,
            "suspension_reason": reason,
            "suspended_on": suspended_on.isoformat() if suspended_on else None,
            "service_street": customer["street"] if line_type == "home_internet" else None,
            "service_zip": customer["zip_code"],
            "activated_on": activated.isoformat(),
            "last_plan_change": last_change.isoformat() if last_change else None,
            "last_sim_swap": last_swap.isoformat() if last_swap else None,
        }
        self.tables["lines"].append(row)
        self.line_addons(row, activated)
        self.devices(row, activated)
        self.usage(row, customer)
        return row

    def line_addons(self, line: Row, activated: date) -> None:
        ltype = line["line_type"]
        features = [a for a in ADDONS if a[3] == ltype and a[2] == "feature"]
        for addon in features:
            if not self.chance(0.16):
                continue
            # a legacy add-on was only sold before 2025
            latest = TODAY - timedelta(days=3) if addon[7] else date(2024, 12, 31)
            if line["suspended_on"]:  # nothing is added to a suspended line
                latest = min(latest, date.fromisoformat(line["suspended_on"]) - timedelta(days=1))
            if activated > latest:
                continue
            start = self.day_between(max(activated, TODAY - timedelta(days=700)), latest)
            status, end = "active", None
            if self.chance(0.2) or not addon[7]:
                end = self.day_between(start, TODAY - timedelta(days=1))
                status = "removed"
            self.add_line_addon(line, addon[0], status, start, end, start)
        if ltype != "mobile":
            return
        passes = [a for a in ADDONS if a[2] == "roaming_pass"]
        if self.chance(0.22):  # a past trip
            addon = self.pick(passes)
            start = self.day_between(TODAY - timedelta(days=170), TODAY - timedelta(days=35))
            end = start + timedelta(days=addon[5] - 1)
            self.add_line_addon(
                line,
                addon[0],
                "expired",
                start,
                end,
                start - timedelta(days=self.rng.randrange(1, 15)),
            )
        if line["status"] == "active" and self.chance(0.1):  # a trip now or soon
            addon = self.pick(passes)
            start = self.day_between(TODAY - timedelta(days=2), TODAY + timedelta(days=40))
            end = start + timedelta(days=addon[5] - 1)
            status = "active" if start <= TODAY else "scheduled"
            added = self.day_between(TODAY - timedelta(days=20), min(start, TODAY))
            self.add_line_addon(line, addon[0], status, start, end, added)

    def add_line_addon(
        self, line: Row, addon_id: str, status: str, start: date, end: date | None, added: date
    ) -> None:
        self.tables["line_addons"].append(
            {
                "line_addon_id": self.ids.new("LA", 5),
                "line_id": line["line_id"],
                "addon_id": addon_id,
                "status": status,
                "start_date": start.isoformat(),
                "end_date": end.isoformat() if end else None,
                "added_on": added.isoformat(),
            }
        )

    def device_row(
        self,
        line: Row,
        kind: str,
        model: str,
        purchased: date,
        price: int,
        *,
        imei: str | None = None,
        serial: str | None = None,
        iccid: str | None = None,
        status: str = "active",
        finance: bool = False,
    ) -> Row:
        term = installment = paid = None
        balance = 0
        if finance:
            term = self.pick([24, 24, 36])
            installment = round(price / term)
            months = months_between(purchased, self.current_cycle)  # installments billed
            paid = min(months, term)
            balance = 0 if paid >= term else price - installment * paid
        row: Row = {
            "device_id": self.ids.new("DV", 5),
            "account_id": line["account_id"],
            "line_id": line["line_id"],
            "kind": kind,
            "model": model,
            "imei": imei,
            "serial_number": serial,
            "iccid": iccid,
            "status": status,
            "purchased_on": purchased.isoformat(),
            "purchase_price": money(price),
            "financed": finance,
            "term_months": term,
            "installment": money(installment) if installment is not None else None,
            "installments_paid": paid,
            "financing_balance": money(balance),
            "replaced_by": None,
        }
        self.tables["devices"].append(row)
        return row

    def devices(self, line: Row, activated: date) -> None:
        rng = self.rng
        ltype = line["line_type"]
        lost = line["suspension_reason"] == "lost_or_stolen"
        # devices were bought before the line was suspended
        last_buy = TODAY - timedelta(days=6)
        if line["suspended_on"]:
            last_buy = min(last_buy, date.fromisoformat(line["suspended_on"]) - timedelta(days=1))
        if ltype == "mobile":
            # the SIM (replaced by a new one at the last SIM swap, if any)
            if line["last_sim_swap"]:
                swap = date.fromisoformat(line["last_sim_swap"])
                self.device_row(
                    line, "sim", SIM_MODEL, activated, 0, iccid=self.iccid(), status="deactivated"
                )
                self.device_row(line, "sim", SIM_MODEL, swap, 0, iccid=self.iccid())
            else:
                self.device_row(line, "sim", SIM_MODEL, activated, 0, iccid=self.iccid())
            if self.chance(0.78):  # otherwise the customer brought their own phone
                model, price, tac = self.pick(PHONES)
                purchased = self.day_between(max(activated, TODAY - timedelta(days=1000)), last_buy)
                if self.chance(0.12) and (TODAY - purchased).days > 400:
                    # an older phone that was traded in before this one
                    old_model, old_price, old_tac = self.pick(PHONES)
                    old = self.device_row(
                        line,
                        "phone",
                        old_model,
                        purchased - timedelta(days=rng.randrange(400, 900)),
                        old_price,
                        imei=self.imei(old_tac),
                        status="returned",
                    )
                    old["line_id"] = None
                finance = self.chance(0.6) and (TODAY - purchased).days < 36 * 30
                self.device_row(
                    line,
                    "phone",
                    model,
                    purchased,
                    price,
                    imei=self.imei(tac),
                    status="lost" if lost else "active",
                    finance=finance,
                )
        elif ltype == "wearable":
            model, price, tac = self.pick(WATCHES)
            purchased = self.day_between(activated, last_buy)
            self.device_row(
                line,
                "watch",
                model,
                purchased,
                price,
                imei=self.imei(tac),
                status="lost" if lost else "active",
                finance=self.chance(0.4),
            )
        else:
            key = {"HOM-AIR100": "air", "HOM-COPPER25": "copper", "HOM-FIBER2G": "fiber7"}.get(
                line["plan_id"], "fiber"
            )
            model, prefix = ROUTERS[key]
            serial = prefix + "".join(
                self.pick(list("ABCDEFGHJKLMNPRSTUVWXYZ23456789")) for _ in range(8)
            )
            purchased = self.day_between(
                max(activated, TODAY - timedelta(days=1400)), TODAY - timedelta(days=6)
            )
            self.device_row(line, "router", model, purchased, 0, serial=serial)

    def usage(self, line: Row, customer: Row) -> None:
        rng = self.rng
        cycle_day = customer["billing_cycle_day"]
        current = cycle_start_on_or_before(TODAY, cycle_day)
        previous = add_months(current, -1, cycle_day)
        plan = self.plans[line["plan_id"]]
        for start in (previous, current):
            end = add_months(start, 1, cycle_day) - timedelta(days=1)
            days = min((TODAY - start).days + 1, (end - start).days + 1)
            share = days / ((end - start).days + 1)
            if line["line_type"] == "home_internet":
                data = rng.uniform(180, 1400) * share
                minutes = texts = 0
            elif line["line_type"] == "wearable":
                data = rng.uniform(0.2, 3.0) * share
                minutes, texts = (
                    int(rng.randrange(0, 120) * share),
                    int(rng.randrange(0, 300) * share),
                )
            else:
                cap = plan[4] if plan[4] is not None else 60
                data = rng.uniform(0.15, 1.05) * cap * share
                if plan[4] is not None:
                    data = min(data, cap * 1.0)
                minutes = int(rng.randrange(40, 1400) * share)
                texts = int(rng.randrange(20, 2600) * share)
            if line["status"] == "suspended" and start == current:
                data, minutes, texts = data * 0.2, minutes // 5, texts // 5
            self.tables["usage_records"].append(
                {
                    "usage_id": self.ids.new("US", 5),
                    "line_id": line["line_id"],
                    "cycle_start": start.isoformat(),
                    "cycle_end": end.isoformat(),
                    "data_gb": round(data, 2),
                    "voice_minutes": minutes,
                    "texts": texts,
                }
            )

    # --- outages -------------------------------------------------------------------------

    def outages(self) -> None:
        rng = self.rng
        all_zips = [(city, z) for city, zips in CITIES for z in zips]
        for kind in ["active"] * 4 + ["recent"] * 12 + ["old"] * 8:
            city, zip_code = self.pick(all_zips)
            service = self.pick(["mobile", "home_internet"])
            hours = self.pick([2, 3, 5, 7, 9, 14, 20, 26, 31, 38, 47, 52, 61, 75])
            minutes = self.pick([0, 15, 30, 45])
            if kind == "active":
                started = NOW - timedelta(hours=rng.randrange(1, 30), minutes=minutes)
                resolved = None
                eta = NOW + timedelta(hours=rng.randrange(2, 36))
                status = "active"
            else:
                if kind == "recent":
                    day = self.day_between(TODAY - timedelta(days=52), TODAY - timedelta(days=5))
                else:
                    day = self.day_between(TODAY - timedelta(days=200), TODAY - timedelta(days=75))
                started = self.at_time(day, 0, 22)
                resolved = started + timedelta(hours=hours, minutes=minutes)
                eta = None
                status = "resolved"
            self.tables["outages"].append(
                {
                    "outage_id": self.ids.new("OUT", 4),
                    "service": service,
                    "zip_code": zip_code,
                    "city": city,
                    "status": status,
                    "started_at": started.isoformat(),
                    "resolved_at": resolved.isoformat() if resolved else None,
                    "estimated_restore": eta.isoformat() if eta else None,
                    "cause": self.pick(OUTAGE_CAUSES[service]),
                }
            )

    def outage_reports(self) -> None:
        for outage in self.tables["outages"]:
            started = datetime.fromisoformat(outage["started_at"])
            end = datetime.fromisoformat(outage["resolved_at"]) if outage["resolved_at"] else NOW
            for line in self.tables["lines"]:
                if line["service_zip"] != outage["zip_code"] or line["status"] != "active":
                    continue
                if service_of(line["line_type"]) != outage["service"]:
                    continue
                if not self.chance(0.3):
                    continue
                span = max(int((end - started).total_seconds() // 60) - 5, 1)
                at = started + timedelta(minutes=5 + self.rng.randrange(span))
                at = at.replace(second=0, microsecond=0)
                self.tables["outage_reports"].append(
                    {
                        "report_id": self.ids.new("OR", 5),
                        "outage_id": outage["outage_id"],
                        "account_id": line["account_id"],
                        "line_id": line["line_id"],
                        "reported_at": at.isoformat(),
                        "description": self.pick(
                            [
                                "No service at all since this morning.",
                                "Internet light is red on the gateway.",
                                "Calls fail with 'no network'.",
                                "Stopped working at the same time as the neighbours.",
                                "Very slow, then nothing.",
                            ]
                        ),
                    }
                )

    # --- billing -------------------------------------------------------------------------

    def billing(self) -> None:
        for table in ("line_addons", "devices"):
            index: dict[str, list[Row]] = {}
            for row in self.tables[table]:
                if row["line_id"]:
                    index.setdefault(row["line_id"], []).append(row)
            self.by_line[table] = index
        customers = self.tables["customers"]
        autopay_accounts = {
            m["account_id"] for m in self.tables["payment_methods"] if m["is_autopay"]
        }
        # accounts behind on payments (never on autopay)
        candidates = [
            c["account_id"]
            for c in customers
            if c["account_id"] not in autopay_accounts and c["customer_since"] < "2025-10-01"
        ]
        overdue: dict[str, int] = {}
        for account_id in candidates:
            if self.chance(0.17):
                overdue[account_id] = 2 if self.chance(0.4) else 1
        for customer in customers:
            self.account_invoices(
                customer,
                customer["account_id"] in autopay_accounts,
                overdue.get(customer["account_id"], 0),
            )

    def account_invoices(self, customer: Row, autopay: bool, n_overdue: int) -> None:
        rng = self.rng
        account_id = customer["account_id"]
        cycle_day = customer["billing_cycle_day"]
        lines = self.account_lines[account_id]
        methods = self.account_methods[account_id]
        since = date.fromisoformat(customer["customer_since"])
        latest = cycle_start_on_or_before(TODAY, cycle_day)
        issues = [add_months(latest, -k, cycle_day) for k in range(N_INVOICES - 1, -1, -1)]
        issues = [d for d in issues if d >= since]
        if not issues:
            issues = [latest]
        # which past-due invoices stay unpaid
        past_due = [d for d in issues if d + timedelta(days=20) < TODAY]
        unpaid = set(past_due[-n_overdue:]) if n_overdue else set()
        suspend_for_nonpayment = n_overdue == 2
        prev_paid_late = False
        for issue in issues:
            period_end = add_months(issue, 1, cycle_day) - timedelta(days=1)
            due = issue + timedelta(days=20)
            invoice_id = self.ids.new("INV", 7)
            wrong_late_fee = issue != issues[0] and not prev_paid_late and self.chance(0.02)
            items = self.invoice_items(lines, issue, period_end, prev_paid_late or wrong_late_fee)
            total = sum(i[3] for i in items)
            # billing errors: a late fee after an on-time payment, or a duplicate charge
            errors: list[int] = []
            if wrong_late_fee:
                errors.append(next(k for k, i in enumerate(items) if i[2] == "Late payment fee"))
            if self.chance(0.045):
                candidates = [k for k, i in enumerate(items) if i[1] in ("addon", "fee", "plan")]
                if candidates:
                    original = items[self.pick(candidates)]
                    items.append(original)
                    errors.append(len(items) - 1)
                    total += original[3]
            item_ids: list[str] = []
            for line_id, kind, description, amount in items:
                item_id = self.ids.new("II", 6)
                item_ids.append(item_id)
                self.tables["invoice_items"].append(
                    {
                        "item_id": item_id,
                        "invoice_id": invoice_id,
                        "line_id": line_id,
                        "kind": kind,
                        "description": description,
                        "amount": money(amount),
                    }
                )
            invoice: Row = {
                "invoice_id": invoice_id,
                "account_id": account_id,
                "period_start": issue.isoformat(),
                "period_end": period_end.isoformat(),
                "issue_date": issue.isoformat(),
                "due_date": due.isoformat(),
                "total": money(total),
                "amount_paid": 0.0,
                "credit_total": 0.0,
                "status": "open",
            }
            self.tables["invoices"].append(invoice)
            credited = 0
            # some billing errors were already credited
            for k in errors:
                if self.chance(0.4):
                    amount = min(items[k][3], PER_INVOICE_CREDIT_CAP)
                    created = self.at_time(
                        self.day_between(
                            issue + timedelta(days=2), min(due, TODAY - timedelta(days=1))
                        )
                    )
                    note = (
                        "Late fee charged in error."
                        if items[k][2] == "Late payment fee"
                        else "Duplicate charge refunded as a bill credit."
                    )
                    self.credit(
                        account_id,
                        invoice_id,
                        "billing_error",
                        amount,
                        created,
                        item_id=item_ids[k],
                        line_id=items[k][0],
                        note=note,
                    )
                    credited += amount
            outstanding = total - credited
            paid_late = False
            if issue in unpaid:
                invoice["status"] = "overdue"
                if self.chance(0.3) and outstanding > 2000:
                    partial = round(outstanding * self.pick([0.25, 0.4, 0.5]))
                    self.payment(
                        account_id,
                        invoice_id,
                        methods,
                        partial,
                        self.day_between(issue + timedelta(days=3), due),
                    )
                    outstanding -= partial
                    invoice["amount_paid"] = money(partial)
            elif due < TODAY or autopay or (not n_overdue and self.chance(0.4)):
                if autopay:
                    when = due if due < TODAY else None
                else:
                    when = self.day_between(issue + timedelta(days=1), due)
                    if due < TODAY - timedelta(days=12) and self.chance(0.1):
                        when = due + timedelta(days=rng.randrange(3, 11))
                        paid_late = True
                if when is not None and when < TODAY:
                    if self.chance(0.05):
                        self.payment(
                            account_id, invoice_id, methods, outstanding, when, status="declined"
                        )
                        when = min(when + timedelta(days=1), TODAY - timedelta(days=1))
                    self.payment(account_id, invoice_id, methods, outstanding, when)
                    invoice["amount_paid"] = money(outstanding)
                    outstanding = 0
            invoice["credit_total"] = money(credited)
            if outstanding == 0:
                invoice["status"] = "paid"
            prev_paid_late = paid_late
        if suspend_for_nonpayment:
            first_unpaid = min(unpaid)
            when = first_unpaid + timedelta(days=35)
            for line in lines:
                if line["status"] == "active" and line["line_type"] != "home_internet":
                    line["status"] = "suspended"
                    line["suspension_reason"] = "non_payment"
                    line["suspended_on"] = min(when, TODAY - timedelta(days=1)).isoformat()

    def invoice_items(
        self, lines: list[Row], issue: date, period_end: date, late_fee: bool
    ) -> list[tuple[str | None, str, str, int]]:
        items: list[tuple[str | None, str, str, int]] = []
        taxable = 0
        for line in lines:
            if date.fromisoformat(line["activated_on"]) > period_end:
                continue
            line_id = line["line_id"]
            who = line["phone_number"] or line["service_street"]
            plan_id = line["plan_id"]
            change = line["last_plan_change"]
            if change and issue < date.fromisoformat(change) and line_id in self.prev_plan:
                plan_id = self.prev_plan[line_id]
            plan = self.plans[plan_id]
            items.append((line_id, "plan", f"{plan[1]} plan, {who}", plan[3]))
            taxable += plan[3]
            for la in self.by_line["line_addons"].get(line_id, []):
                addon = self.addons[la["addon_id"]]
                start = date.fromisoformat(la["start_date"])
                end = date.fromisoformat(la["end_date"]) if la["end_date"] else None
                if addon[2] == "feature":
                    if start <= period_end and (end is None or end >= issue) and start <= issue:
                        items.append((line_id, "addon", f"{addon[1]}, {who}", addon[4]))
                        taxable += addon[4]
                else:
                    # a pass is billed on the first invoice issued after it starts
                    if add_months(issue, -1) <= start < issue:
                        items.append((line_id, "roaming", f"{addon[1]}, {who}", addon[4]))
                        taxable += addon[4]
            for dev in self.by_line["devices"].get(line_id, []):
                if not dev["financed"]:
                    continue
                purchased = date.fromisoformat(dev["purchased_on"])
                number = months_between(purchased, issue)
                if 1 <= number <= dev["term_months"]:
                    amount = round(dev["installment"] * 100)
                    items.append(
                        (
                            line_id,
                            "device_installment",
                            f"{dev['model']} installment {number} of {dev['term_months']}",
                            amount,
                        )
                    )
            if line["line_type"] == "home_internet":
                items.append((line_id, "fee", f"Network access fee, {who}", 299))
            else:
                items.append((line_id, "fee", f"Regulatory recovery fee, {who}", 149))
            if line["line_type"] == "mobile" and self.chance(0.07):
                amount = self.pick([120, 345, 580, 960, 1275, 1875])
                items.append((line_id, "usage", f"International calls, {who}", amount))
                taxable += amount
        if late_fee:
            items.append((None, "fee", "Late payment fee", 750))
        items.append((None, "tax", "Taxes and 911 surcharges", round(taxable * 0.068)))
        return items

    def payment(
        self,
        account_id: str,
        invoice_id: str,
        methods: list[Row],
        amount: int,
        when: date,
        status: str = "completed",
    ) -> None:
        usable = [m for m in methods if method_valid_on(m, when)]
        autopay = [m for m in usable if m["is_autopay"]]
        method = autopay[0] if autopay else self.pick(usable or methods)
        self.tables["payments"].append(
            {
                "payment_id": self.ids.new("PAY", 6),
                "account_id": account_id,
                "invoice_id": invoice_id,
                "device_id": None,
                "method_id": method["method_id"],
                "kind": "bill",
                "amount": money(amount),
                "paid_at": self.at_time(when, 6, 22).isoformat(),
                "status": status,
            }
        )

    def credit(
        self,
        account_id: str,
        invoice_id: str,
        reason: str,
        amount: int,
        created: datetime,
        *,
        item_id: str | None = None,
        line_id: str | None = None,
        outage_id: str | None = None,
        note: str,
    ) -> None:
        self.tables["credits"].append(
            {
                "credit_id": self.ids.new("CR", 5),
                "account_id": account_id,
                "invoice_id": invoice_id,
                "reason": reason,
                "amount": money(amount),
                "line_id": line_id,
                "outage_id": outage_id,
                "item_id": item_id,
                "created_at": created.isoformat(),
                "note": note,
            }
        )

    def outage_credits(self) -> None:
        """Some customers hit by resolved outages already got their credit."""
        invoices_by_account: dict[str, list[Row]] = {}
        for inv in self.tables["invoices"]:
            invoices_by_account.setdefault(inv["account_id"], []).append(inv)
        per_invoice: dict[str, int] = {}
        per_account: dict[str, int] = {}
        for c in self.tables["credits"]:
            amount = round(c["amount"] * 100)
            per_invoice[c["invoice_id"]] = per_invoice.get(c["invoice_id"], 0) + amount
            per_account[c["account_id"]] = per_account.get(c["account_id"], 0) + amount
        for outage in self.tables["outages"]:
            if outage["status"] != "resolved":
                continue
            started = datetime.fromisoformat(outage["started_at"])
            resolved = datetime.fromisoformat(outage["resolved_at"])
            days = -(-int((resolved - started).total_seconds()) // 86400)
            for line in self.tables["lines"]:
                if line["service_zip"] != outage["zip_code"]:
                    continue
                if service_of(line["line_type"]) != outage["service"]:
                    continue
                if not self.chance(0.25):
                    continue
                invoices = [
                    i
                    for i in invoices_by_account[line["account_id"]]
                    if i["issue_date"] >= resolved.date().isoformat()
                ]
                if not invoices:
                    continue
                invoice = invoices[0]
                price = self.plans[line["plan_id"]][3]
                account_id = line["account_id"]
                amount = min(
                    (2 * days * price + 30) // 60,
                    PER_INVOICE_CREDIT_CAP - per_invoice.get(invoice["invoice_id"], 0),
                    ROLLING_CREDIT_CAP - per_account.get(account_id, 0),
                )
                if amount <= 0:
                    continue
                per_account[account_id] = per_account.get(account_id, 0) + amount
                first_day = max(
                    resolved.date() + timedelta(days=1), date.fromisoformat(invoice["issue_date"])
                )
                created = self.at_time(self.day_between(first_day, TODAY - timedelta(days=1)))
                self.credit(
                    line["account_id"],
                    invoice["invoice_id"],
                    "outage",
                    amount,
                    created,
                    line_id=line["line_id"],
                    outage_id=outage["outage_id"],
                    note=f"Outage credit: {days} day(s) of service.",
                )
                per_invoice[invoice["invoice_id"]] = (
                    per_invoice.get(invoice["invoice_id"], 0) + amount
                )
                self.apply_credit_to_invoice(invoice, amount)

    def apply_credit_to_invoice(self, invoice: Row, amount: int) -> None:
        """Reduce the balance (a paid invoice's surplus goes to the account's credit)."""
        total = round(invoice["total"] * 100)
        paid = round(invoice["amount_paid"] * 100)
        credited = round(invoice["credit_total"] * 100)
        outstanding = total - paid - credited
        applied = min(amount, outstanding)
        invoice["credit_total"] = money(credited + applied)
        if total - paid - credited - applied == 0:
            invoice["status"] = "paid"
        surplus = amount - applied
        if surplus:
            for customer in self.tables["customers"]:
                if customer["account_id"] == invoice["account_id"]:
                    customer["credit_balance"] = money(
                        round(customer["credit_balance"] * 100) + surplus
                    )

    # --- support -------------------------------------------------------------------------

    def tickets(self) -> None:
        rng = self.rng
        open_keys: set[tuple[str, str | None, str]] = set()
        customers = self.tables["customers"]
        for _ in range(190):
            customer = self.pick(customers)
            account_id = customer["account_id"]
            lines = self.account_lines[account_id]
            category = self.pick(
                ["billing", "billing", "network", "network", "device", "plan", "account"]
            )
            line_id: str | None = None
            subject_key = category
            if category in ("network", "device", "plan"):
                line = self.pick(lines)
                line_id = line["line_id"]
                subject_key = f"{category}:{line['line_type']}"
            status = self.pick(
                [
                    "open",
                    "in_progress",
                    "in_progress",
                    "resolved",
                    "resolved",
                    "closed",
                    "closed",
                    "closed",
                ]
            )
            if status in ("open", "in_progress"):
                key = (account_id, line_id, category)
                if key in open_keys:
                    status = "closed"
                else:
                    open_keys.add(key)
            age = {
                "open": (1, 12),
                "in_progress": (2, 25),
                "resolved": (4, 50),
                "closed": (20, 220),
            }[status]
            created = self.at_time(TODAY - timedelta(days=rng.randrange(*age)))
            ticket_id = self.ids.new("TK", 5)
            history = {
                "open": ["open"],
                "in_progress": ["open", "in_progress"],
                "resolved": ["open", "in_progress", "resolved"],
                "closed": ["open", "in_progress", "resolved", "closed"],
            }[status]
            span = max(((NOW - created).total_seconds() // 3600) - 1, 1)
            stamps = sorted(
                created + timedelta(hours=rng.randrange(int(span))) for _ in history[1:]
            )
            stamps = [created, *stamps]
            for step, when in zip(history, stamps, strict=True):
                self.tables["ticket_notes"].append(
                    {
                        "note_id": self.ids.new("TN", 5),
                        "ticket_id": ticket_id,
                        "created_at": when.isoformat(),
                        "author": "customer_care" if step in ("open", "closed") else "technician",
                        "text": self.pick(TICKET_NOTE_TEXTS[step]),
                    }
                )
            self.tables["tickets"].append(
                {
                    "ticket_id": ticket_id,
                    "account_id": account_id,
                    "line_id": line_id,
                    "category": category,
                    "subject": self.pick(TICKET_SUBJECTS[subject_key]),
                    "status": status,
                    "priority": self.pick(["low", "normal", "normal", "normal", "high"]),
                    "created_at": created.isoformat(),
                    "updated_at": stamps[-1].isoformat(),
                }
            )

    # --- all -----------------------------------------------------------------------------

    def run(self) -> dict[str, list[Row]]:
        self.catalogue()
        self.accounts()
        self.outages()
        self.outage_reports()
        self.billing()
        self.outage_credits()
        self.tickets()
        keys = {
            "customers": "account_id",
            "payment_methods": "method_id",
            "plans": "plan_id",
            "addons": "addon_id",
            "lines": "line_id",
            "line_addons": "line_addon_id",
            "devices": "device_id",
            "invoices": "invoice_id",
            "invoice_items": "item_id",
            "payments": "payment_id",
            "credits": "credit_id",
            "tickets": "ticket_id",
            "ticket_notes": "note_id",
            "outages": "outage_id",
            "outage_reports": "report_id",
            "usage_records": "usage_id",
        }
        return {
            name: sorted(rows, key=itemgetter(keys[name])) for name, rows in self.tables.items()
        }


def service_of(line_type: str) -> str:
    return "home_internet" if line_type == "home_internet" else "mobile"


def method_valid_on(method: Row, day: date) -> bool:
    if method["kind"] != "card":
        return True
    return (method["exp_year"], method["exp_month"]) >= (day.year, day.month)


def months_between(start: date, end: date) -> int:
    """Whole months from start to end (how many monthly installments fell due)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if end.day < start.day:
        months -= 1
    return max(months, 0)


def cycle_start_on_or_before(day: date, cycle_day: int) -> date:
    start = date(day.year, day.month, cycle_day)
    return start if start <= day else add_months(start, -1, cycle_day)


def tables() -> dict[str, list[Row]]:
    """Every table's rows."""
    return Generator().run()
