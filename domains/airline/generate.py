"""Deterministic generator of the Larkline Air seed data (``data/<table>.json``).

``tautrait domains generate airline`` writes :func:`tables` into ``data/`` (``--check``
compares instead). Everything comes from one ``random.Random`` with a fixed seed and from
the domain's fixed time (``rules.NOW``); nothing reads the wall clock or depends on set or
dict iteration order, so a re-run reproduces the committed files byte for byte.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from . import rules as R
from .rules import NOW

money = R.money

SEED = 20260514
FIRST_DATE = date(2026, 5, 1)
LAST_DATE = date(2026, 6, 5)
N_USERS = 540
N_RESERVATIONS = 2150

# code, airport name, city, region, is_hub, x km, y km
AIRPORTS = [
    ("PAV", "Port Averne International", "Port Averne", "Averne Coast", True, 500, 500),
    ("KSN", "Kessington Harrow Field", "Kessington", "Kessland", True, 1300, 650),
    ("MRB", "Marrowbay Regional", "Marrowbay", "Averne Coast", False, 250, 380),
    ("TLF", "Tollan Falls Airport", "Tollan Falls", "Upper Tollan", False, 820, 150),
    ("CDM", "Cindermoor Heath Airport", "Cindermoor", "Northmarch", False, 1000, 60),
    ("BLH", "Bellhaven Municipal", "Bellhaven", "Averne Coast", False, 380, 760),
    ("QPT", "Quarry Point Airfield", "Quarry Point", "Greystone", False, 1650, 300),
    ("SMR", "Saltmere Flats Airport", "Saltmere", "Saltmere", False, 700, 900),
    ("RVH", "Ravensholm Airport", "Ravensholm", "Northmarch", False, 1250, 120),
    ("LDX", "Lyndale Cross Airport", "Lyndale Cross", "Kessland", False, 1550, 820),
    ("NHV", "Norhaven Bay Airport", "Norhaven", "Upper Tollan", False, 560, 60),
    ("WRK", "Westrake County Airport", "Westrake", "Westrake", False, 60, 640),
    ("CSP", "Calder Springs Airport", "Calder Springs", "Greystone", False, 1850, 560),
    ("FNB", "Fennick Bay Airport", "Fennick Bay", "Southreach", False, 1050, 1050),
    ("HMR", "Highmoor Airport", "Highmoor", "Highmoor", False, 950, 450),
    ("JPR", "Juniper Ridge Airport", "Juniper Ridge", "Southreach", False, 1400, 1100),
    ("ADC", "Ardent Cove Airport", "Ardent Cove", "Westrake", False, 150, 1000),
    ("VYR", "Veyra Isles Airport", "Veyra", "Veyra Isles", False, 2050, 950),
    ("DNM", "Dunmarch Airport", "Dunmarch", "Kessland", False, 1700, 1020),
]

# (a, b, departures per day each way, operating weekdays 0=Mon; None = daily)
ROUTES: list[tuple[str, str, int, tuple[int, ...] | None]] = [
    ("PAV", "KSN", 4, None),
    ("PAV", "MRB", 2, None),
    ("PAV", "TLF", 2, None),
    ("PAV", "BLH", 2, None),
    ("PAV", "SMR", 2, None),
    ("PAV", "NHV", 1, (0, 1, 2, 3, 4, 6)),
    ("PAV", "WRK", 2, None),
    ("PAV", "HMR", 2, None),
    ("PAV", "ADC", 1, None),
    ("PAV", "FNB", 1, None),
    ("PAV", "CDM", 1, (0, 2, 4, 5)),
    ("KSN", "QPT", 2, None),
    ("KSN", "RVH", 2, None),
    ("KSN", "LDX", 2, None),
    ("KSN", "CSP", 2, None),
    ("KSN", "FNB", 2, None),
    ("KSN", "HMR", 1, None),
    ("KSN", "JPR", 2, None),
    ("KSN", "VYR", 1, (0, 1, 3, 4, 5, 6)),
    ("KSN", "DNM", 2, None),
    ("KSN", "CDM", 1, None),
    ("KSN", "TLF", 1, (0, 1, 2, 3, 4)),
    ("KSN", "SMR", 1, None),
    ("LDX", "JPR", 1, (1, 3, 5)),
    ("QPT", "CSP", 1, (0, 2, 4, 6)),
    ("VYR", "DNM", 1, (2, 4, 6)),
]

AIRCRAFT = [
    ("Tern 72 turboprop", 0, 600),
    ("Helix H190", 0, 1400),
    ("Helix H220", 500, 2500),
    ("Aeris A321 Longreach", 900, 2500),
]

CULTURES: list[tuple[list[str], list[str]]] = [
    (  # Nigerian
        ["Adebayo", "Chiamaka", "Oluwaseun", "Ngozi", "Emeka", "Funmilayo", "Tunde", "Ifeoma"],
        ["Okafor", "Adeyemi", "Eze", "Balogun", "Nwosu", "Okonkwo", "Adeleke", "Obi"],
    ),
    (  # Indian
        ["Priya", "Arjun", "Ananya", "Rohan", "Kavya", "Vikram", "Meera", "Siddharth", "Lakshmi"],
        ["Sharma", "Iyer", "Patel", "Reddy", "Nair", "Chatterjee", "Gupta", "Menon", "Desai"],
    ),
    (  # Chinese
        ["Wei", "Mei", "Jian", "Xiulan", "Hao", "Lin", "Yun", "Bo", "Ling", "Zihan"],
        ["Zhang", "Wang", "Liu", "Chen", "Zhou", "Huang", "Xu", "Sun", "Guo"],
    ),
    (  # Japanese
        ["Haruto", "Yui", "Sota", "Aoi", "Ren", "Hina", "Kenji", "Sakura", "Takumi"],
        ["Tanaka", "Suzuki", "Watanabe", "Yamamoto", "Nakamura", "Kobayashi", "Sato", "Mori"],
    ),
    (  # Korean
        ["Minjun", "Seoyeon", "Jiho", "Haeun", "Dohyun", "Yuna", "Joon"],
        ["Kim", "Park", "Choi", "Jung", "Kang", "Yoon", "Han"],
    ),
    (  # Vietnamese
        ["Minh", "Linh", "Thanh", "Huong", "Duc", "Mai", "Quang"],
        ["Nguyen", "Tran", "Le", "Pham", "Hoang", "Vu", "Dang"],
    ),
    (  # Arabic
        ["Omar", "Layla", "Yusuf", "Amira", "Karim", "Noor", "Hassan", "Salma", "Tariq"],
        ["Haddad", "Khalil", "Mansour", "Farouk", "Nasser", "Saleh", "Aziz"],
    ),
    (  # Persian
        ["Dariush", "Shirin", "Kaveh", "Niloufar", "Arash", "Parisa"],
        ["Tehrani", "Moradi", "Rahimi", "Karimi", "Jafari"],
    ),
    (  # Turkish
        ["Emre", "Elif", "Murat", "Zeynep", "Burak", "Ayse"],
        ["Yilmaz", "Demir", "Sahin", "Celik", "Aydin", "Ozturk"],
    ),
    (  # Polish
        ["Katarzyna", "Tomasz", "Agnieszka", "Piotr", "Magdalena", "Jakub"],
        ["Nowak", "Kowalczyk", "Wisniewski", "Zielinski", "Lewandowski", "Kaminski"],
    ),
    (  # Ukrainian / Russian
        ["Dmytro", "Anastasia", "Oleksandr", "Yulia", "Sergei", "Irina"],
        ["Volkov", "Petrenko", "Sokolov", "Kuznetsov", "Bondarenko", "Morozov"],
    ),
    (  # Brazilian
        ["Thiago", "Camila", "Rafael", "Beatriz", "Lucas", "Larissa"],
        ["Silva", "Santos", "Oliveira", "Souza", "Carvalho", "Ribeiro", "Almeida"],
    ),
    (  # Mexican / Spanish
        ["Alejandro", "Lucia", "Mateo", "Valentina", "Diego", "Ximena", "Javier", "Paula"],
        ["Garcia", "Hernandez", "Morales", "Castillo", "Ramirez", "Vargas", "Ortega", "Navarro"],
    ),
    (  # Irish / Scottish
        ["Siobhan", "Declan", "Aoife", "Ciaran", "Niamh", "Fergus", "Moira"],
        ["O'Brien", "Byrne", "MacLeod", "Gallagher", "Doyle", "Kavanagh", "Fraser"],
    ),
    (  # Scandinavian
        ["Astrid", "Lars", "Ingrid", "Henrik", "Sigrid", "Bjorn", "Freya"],
        ["Lindqvist", "Johansen", "Nyberg", "Halvorsen", "Eriksen", "Dahl"],
    ),
    (  # German / Dutch
        ["Lukas", "Hanna", "Jonas", "Greta", "Matthias", "Anke", "Sven"],
        ["Becker", "Hoffmann", "Vogel", "de Vries", "Bakker", "Schreiber", "Keller"],
    ),
    (  # Italian
        ["Giulia", "Marco", "Chiara", "Luca", "Francesca", "Matteo"],
        ["Rossi", "Bianchi", "Ferrari", "Romano", "Esposito", "Conti"],
    ),
    (  # Greek
        ["Eleni", "Nikos", "Sofia", "Yannis", "Katerina", "Stavros"],
        ["Papadopoulos", "Georgiou", "Nikolaidis", "Dimitriou", "Alexiou"],
    ),
    (  # Ethiopian
        ["Abebe", "Selam", "Dawit", "Hana", "Yonas", "Meron"],
        ["Tesfaye", "Bekele", "Haile", "Girma", "Alemu", "Wolde"],
    ),
    (  # Filipino
        ["Maricel", "Paolo", "Rowena", "Jericho", "Liza", "Ramon"],
        ["Dela Cruz", "Reyes", "Bautista", "Villanueva", "Mendoza", "Aquino"],
    ),
    (  # Indonesian
        ["Putri", "Budi", "Sari", "Agus", "Dewi", "Wahyu"],
        ["Santoso", "Wijaya", "Hidayat", "Pratama", "Kusuma", "Saputra"],
    ),
    (  # Ghanaian
        ["Kwame", "Ama", "Kofi", "Akosua", "Yaw", "Efua"],
        ["Mensah", "Asante", "Owusu", "Boateng", "Appiah", "Ofori"],
    ),
    (  # Kenyan
        ["Wanjiru", "Otieno", "Achieng", "Kamau", "Njeri", "Baraka"],
        ["Kariuki", "Odhiambo", "Wafula", "Mutua", "Njoroge"],
    ),
    (  # English-speaking
        ["Emily", "James", "Olivia", "Henry", "Charlotte", "Samuel", "Grace", "Daniel"],
        ["Whitfield", "Harper", "Bennett", "Caldwell", "Prescott", "Turner", "Holloway"],
    ),
    (  # Hebrew
        ["Noa", "Eitan", "Tamar", "Avi", "Yael", "Ori"],
        ["Levi", "Friedman", "Shapiro", "Katz", "Ben-David"],
    ),
    (  # Pakistani / Bangladeshi
        ["Ayesha", "Bilal", "Fatima", "Imran", "Sana", "Farhan"],
        ["Qureshi", "Chaudhry", "Rahman", "Hossain", "Siddiqui", "Malik"],
    ),
    (  # Maori / Pacific
        ["Aroha", "Tane", "Mere", "Wiremu", "Losa", "Sione"],
        ["Ngata", "Parata", "Tipene", "Fifita", "Tuilagi"],
    ),
]

STREETS = [
    "Harbour Road",
    "Linden Avenue",
    "Copperleaf Lane",
    "Mill Street",
    "Orchard Way",
    "Beacon Hill Road",
    "Tannery Row",
    "Juniper Court",
    "Wexford Street",
    "Saltmarsh Drive",
    "Kingfisher Close",
    "Old Quarry Road",
    "Lantern Street",
    "Ferris Avenue",
    "Willowbrook Drive",
    "Cedar Terrace",
    "Gullwing Parade",
    "Station Road",
    "Foundry Lane",
    "Ridgeview Crescent",
    "Thistle Walk",
    "Larch Boulevard",
    "Ropewalk Street",
    "Pike Lane",
]
EXTRA_TOWNS = [
    ("Gorse End", "Averne Coast"),
    ("Little Tollan", "Upper Tollan"),
    ("Ashgrove", "Kessland"),
    ("Redmarsh", "Saltmere"),
    ("Brackwater", "Southreach"),
    ("Stonebridge", "Greystone"),
    ("Hollins Ford", "Highmoor"),
    ("Pellow", "Westrake"),
]
REGION_CODES = {
    "Averne Coast": "AC",
    "Kessland": "KL",
    "Upper Tollan": "UT",
    "Northmarch": "NM",
    "Greystone": "GS",
    "Saltmere": "SM",
    "Southreach": "SR",
    "Highmoor": "HM",
    "Westrake": "WR",
    "Veyra Isles": "VI",
}
EMAIL_DOMAINS = [
    "mailbird.net",
    "postcove.com",
    "kestrelmail.org",
    "inboxharbor.com",
    "quillpost.net",
]
CARD_BRANDS = ["visa", "mastercard", "amex", "discover"]
LOCATOR_CHARS = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def dist(a: str, b: str) -> float:
    pa, pb = AIRPORT_POS[a], AIRPORT_POS[b]
    return math.hypot(pa[0] - pb[0], pa[1] - pb[1])


AIRPORT_POS = {a[0]: (a[5], a[6]) for a in AIRPORTS}
HUBS = [a[0] for a in AIRPORTS if a[4]]


@dataclass
class FlightRow:
    row: dict[str, Any]
    dep: datetime
    arr: datetime


@dataclass
class Ctx:
    rng: random.Random
    users: list[dict[str, Any]] = field(default_factory=list)
    methods: list[dict[str, Any]] = field(default_factory=list)
    flights: list[FlightRow] = field(default_factory=list)
    by_origin_date: dict[tuple[str, date], list[FlightRow]] = field(default_factory=dict)
    used_ids: set[str] = field(default_factory=set)

    def new_id(self, prefix: str, digits: int = 6, low: int = 100000) -> str:
        while True:
            value = f"{prefix}{self.rng.randint(low, 10**digits - 1)}"
            if value not in self.used_ids:
                self.used_ids.add(value)
                return value

    def new_locator(self) -> str:
        while True:
            value = "".join(self.rng.choice(LOCATOR_CHARS) for _ in range(6))
            if value not in self.used_ids:
                self.used_ids.add(value)
                return value


def iso(value: date | datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def month_end(year: int, month: int) -> date:
    nxt = date(year + month // 12, month % 12 + 1, 1)
    return nxt - timedelta(days=1)


# ----------------------------------------------------------------------------- airports


def make_airports() -> list[dict[str, Any]]:
    return [
        {"code": c, "name": n, "city": city, "region": reg, "is_hub": hub}
        for c, n, city, reg, hub, _x, _y in AIRPORTS
    ]


# ----------------------------------------------------------------------------- flights


def make_flights(ctx: Ctx) -> list[dict[str, Any]]:
    rng = ctx.rng
    number = 100
    schedules: list[tuple[str, str, str, int, tuple[int, ...] | None, str, float, int]] = []
    for a, b, per_day, weekdays in ROUTES:
        d = dist(a, b)
        duration = round((25 + d / 11.5) / 5.0) * 5
        fitting = [name for name, lo, hi in AIRCRAFT if lo <= d <= hi]
        base = 49 + d * 0.14
        for origin, dest in ((a, b), (b, a)):
            span = (15 * 60 - duration // 2) // max(per_day, 1)
            for k in range(per_day):
                number += rng.choice((2, 3, 4, 6))
                start = 6 * 60 + 30 + k * span + rng.randrange(0, max(span - 60, 30), 5)
                start = min(start, 21 * 60 + 30)
                fnum = f"{R.FLIGHT_PREFIX}{number}"
                aircraft = rng.choice(fitting)
                schedules.append((fnum, origin, dest, start, weekdays, aircraft, base, duration))
    rows: list[dict[str, Any]] = []
    day = FIRST_DATE
    while day <= LAST_DATE:
        for fnum, origin, dest, start, weekdays, aircraft, base, duration in schedules:
            if weekdays is not None and day.weekday() not in weekdays:
                continue
            dep = datetime(day.year, day.month, day.day) + timedelta(minutes=start)
            arr = dep + timedelta(minutes=duration)
            status, delay = flight_status(rng, dep, arr)
            days_out = (day - NOW.date()).days
            demand = 1.0 + (0.25 if day.weekday() in (4, 6) else 0.0)
            if 0 <= days_out <= 6:
                demand += 0.18
            econ = base * demand * rng.uniform(0.85, 1.2)
            price_economy = money(econ)
            price_basic = money(econ * rng.uniform(0.7, 0.78))
            price_business = money(econ * rng.uniform(2.5, 2.9) + 35)
            future = dep > NOW
            row = {
                "flight_id": f"{fnum}-{day.isoformat()}",
                "flight_number": fnum,
                "flight_date": day.isoformat(),
                "origin": origin,
                "destination": dest,
                "departure": dep.isoformat(),
                "arrival": arr.isoformat(),
                "aircraft": aircraft,
                "status": status,
                "delay_minutes": delay,
                "seats_basic_economy": seats(rng, future, 24, 0.12),
                "seats_economy": seats(rng, future, 60, 0.05),
                "seats_business": seats(rng, future, 10, 0.15),
                "price_basic_economy": price_basic,
                "price_economy": price_economy,
                "price_business": price_business,
            }
            rows.append(row)
            fr = FlightRow(row=row, dep=dep, arr=arr)
            ctx.flights.append(fr)
            ctx.by_origin_date.setdefault((origin, day), []).append(fr)
        day += timedelta(days=1)
    for key in ctx.by_origin_date:
        ctx.by_origin_date[key].sort(key=lambda f: (f.dep, f.row["flight_number"]))
    return rows


def seats(rng: random.Random, future: bool, top: int, sold_out: float) -> int:
    if not future:
        return rng.randint(0, top // 4)
    if rng.random() < sold_out:
        return 0
    return rng.randint(1, top)


def flight_status(rng: random.Random, dep: datetime, arr: datetime) -> tuple[str, int]:
    today = NOW.date()
    roll = rng.random()
    if dep.date() < today or dep < NOW:
        if roll < 0.03:
            return "cancelled", 0
        delay_roll = rng.random()
        if delay_roll < 0.62:
            delay = 0
        elif delay_roll < 0.86:
            delay = rng.randrange(5, 60, 5)
        elif delay_roll < 0.95:
            delay = rng.randrange(60, 180, 5)
        else:
            delay = rng.randrange(180, 420, 5)
        latest = int((NOW - timedelta(minutes=10) - arr).total_seconds() // 60)
        delay = max(0, min(delay, latest - latest % 5))
        return "landed", delay
    if dep.date() == today:
        if roll < 0.06:
            return "cancelled", 0
        if roll < 0.19:
            return "delayed", rng.randrange(30, 300, 5)
        return "scheduled", 0
    if (dep.date() - today).days == 1:
        if roll < 0.04:
            return "cancelled", 0
        if roll < 0.08:
            return "delayed", rng.randrange(30, 240, 5)
        return "scheduled", 0
    if (dep.date() - today).days <= 7 and roll < 0.025:
        return "cancelled", 0
    if roll < 0.01:
        return "cancelled", 0
    return "scheduled", 0


# ----------------------------------------------------------------------------- users


def make_users(ctx: Ctx) -> None:
    rng = ctx.rng
    towns = [(a[2], a[3]) for a in AIRPORTS] + EXTRA_TOWNS
    seen_emails: set[str] = set()
    for _ in range(N_USERS):
        firsts, lasts = rng.choice(CULTURES)
        first = rng.choice(firsts)
        # about one in eight accounts carries a surname from another culture
        last = rng.choice(rng.choice(CULTURES)[1]) if rng.random() < 0.12 else rng.choice(lasts)
        user_id = ctx.new_id("SL")
        base = "".join(ch for ch in f"{first}.{last}".lower() if ch.isalnum() or ch == ".")
        email = f"{base}{rng.randint(1, 99)}@{rng.choice(EMAIL_DOMAINS)}"
        while email in seen_emails:
            email = f"{base}{rng.randint(100, 999)}@{rng.choice(EMAIL_DOMAINS)}"
        seen_emails.add(email)
        town, region = rng.choice(towns)
        dob = date(1944, 1, 1) + timedelta(days=rng.randint(0, 62 * 365))
        tier = rng.choices(R.TIERS, weights=(50, 25, 15, 10))[0]
        since = date(2009, 1, 1) + timedelta(days=rng.randint(0, 6290))
        ctx.users.append(
            {
                "user_id": user_id,
                "first_name": first,
                "last_name": last,
                "email": email,
                "phone": f"0{rng.randint(200, 899)} 555 {rng.randint(0, 9999):04d}",
                "date_of_birth": dob.isoformat(),
                "address_line1": f"{rng.randint(1, 480)} {rng.choice(STREETS)}",
                "address_line2": rng.choice(
                    [
                        None,
                        None,
                        None,
                        f"Apt {rng.randint(1, 30)}{rng.choice('ABCD')}",
                        f"Unit {rng.randint(2, 60)}",
                    ]
                ),
                "city": town,
                "region": region,
                "postal_code": f"{REGION_CODES[region]} {rng.randint(1000, 9899)}",
                "tier": tier,
                "member_since": since.isoformat(),
            }
        )
        make_methods(ctx, user_id)


def make_methods(ctx: Ctx, user_id: str) -> None:
    rng = ctx.rng
    n_cards = rng.choices((0, 1, 2, 3), weights=(4, 60, 28, 8))[0]
    has_gift = n_cards == 0 or rng.random() < 0.25
    for _ in range(n_cards):
        year = rng.choice((2025, 2026, 2026, 2027, 2027, 2028, 2029, 2030))
        month = rng.randint(1, 12)
        ctx.methods.append(
            {
                "payment_id": ctx.new_id("PM-"),
                "user_id": user_id,
                "kind": rng.choices(("credit_card", "debit_card"), weights=(70, 30))[0],
                "brand": rng.choice(CARD_BRANDS),
                "last_four": f"{rng.randint(0, 9999):04d}",
                "expires_on": month_end(year, month).isoformat(),
                "balance": None,
                "issued_at": None,
                "note": None,
            }
        )
    if has_gift:
        ctx.methods.append(
            {
                "payment_id": ctx.new_id("GC-"),
                "user_id": user_id,
                "kind": "gift_card",
                "brand": None,
                "last_four": None,
                "expires_on": None,
                "balance": money(
                    rng.choice((25, 50, 100, 150, 200, 250, 300, 400, 500))
                    * rng.choice((1.0, 1.0, 0.6, 0.35, 0.8))
                ),
                "issued_at": None,
                "note": "Larkline gift card",
            }
        )
    if rng.random() < 0.16:
        for _ in range(rng.choice((1, 1, 2))):
            issued = datetime(2025, 3, 1) + timedelta(minutes=rng.randint(0, 365 * 24 * 60))
            issued = issued.replace(second=0)
            amount = rng.choice((50.0, 75.0, 100.0, 120.0, 150.0, 200.0, 250.0))
            ctx.methods.append(
                {
                    "payment_id": ctx.new_id("TC-"),
                    "user_id": user_id,
                    "kind": "travel_certificate",
                    "brand": None,
                    "last_four": None,
                    "expires_on": (issued + R.CERTIFICATE_VALIDITY).date().isoformat(),
                    "balance": amount,
                    "issued_at": issued.isoformat(),
                    "note": rng.choice(
                        (
                            "Service recovery voucher",
                            "Goodwill certificate",
                            "Missed connection goodwill",
                            "Seat downgrade goodwill",
                        )
                    ),
                }
            )


# ----------------------------------------------------------------------------- reservations


def itineraries(ctx: Ctx, origin: str, dest: str, day: date) -> list[list[FlightRow]]:
    found: list[list[FlightRow]] = []
    for f in ctx.by_origin_date.get((origin, day), []):
        if f.row["destination"] == dest:
            found.append([f])
    for f in ctx.by_origin_date.get((origin, day), []):
        mid = f.row["destination"]
        if mid == dest or mid not in HUBS:
            continue
        for g in ctx.by_origin_date.get((mid, day), []):
            gap = g.dep - f.arr
            if g.row["destination"] == dest and R.MIN_CONNECTION <= gap <= R.MAX_CONNECTION:
                found.append([f, g])
    return found


def pick_user(ctx: Ctx, weights: list[float]) -> dict[str, Any]:
    return ctx.rng.choices(ctx.users, weights=weights)[0]


def make_reservations(ctx: Ctx) -> dict[str, list[dict[str, Any]]]:
    rng = ctx.rng
    codes = [a[0] for a in AIRPORTS]
    code_weights = [3.0 if a[4] else 1.0 for a in AIRPORTS]
    tier_weight = {"none": 1.0, "silver": 1.6, "gold": 2.2, "platinum": 3.0}
    weights = [tier_weight[u["tier"]] for u in ctx.users]
    methods_by_user: dict[str, list[dict[str, Any]]] = {}
    for m in ctx.methods:
        methods_by_user.setdefault(m["user_id"], []).append(m)
    days = [FIRST_DATE + timedelta(days=i) for i in range((LAST_DATE - FIRST_DATE).days + 1)]

    drafts: list[dict[str, Any]] = []
    while len(drafts) < N_RESERVATIONS:
        origin, dest = rng.choices(codes, weights=code_weights, k=2)
        if origin == dest:
            continue
        day = rng.choice(days)
        options = itineraries(ctx, origin, dest, day)
        if not options:
            continue
        direct = [o for o in options if len(o) == 1]
        outbound = rng.choice(direct) if direct and rng.random() < 0.7 else rng.choice(options)
        back: list[FlightRow] = []
        if rng.random() < 0.55:
            ret_day = day + timedelta(days=rng.randint(1, 9))
            if ret_day <= LAST_DATE:
                later = [
                    o
                    for o in itineraries(ctx, dest, origin, ret_day)
                    if o[0].dep >= outbound[-1].arr + R.MIN_CONNECTION
                ]
                if later:
                    back = rng.choice(later)
        first_dep = outbound[0].dep
        if first_dep > NOW and rng.random() < 0.035:
            created = NOW - timedelta(minutes=rng.randint(30, 23 * 60 + 30))
        else:
            created = first_dep - timedelta(minutes=rng.randint(26 * 60, 50 * 24 * 60))
            if created >= NOW:
                created = NOW - timedelta(minutes=rng.randint(25 * 60, 60 * 24 * 60))
        if created >= first_dep - R.BOOKING_CUTOFF:
            continue
        drafts.append(
            {
                "user": pick_user(ctx, weights),
                "origin": origin,
                "dest": dest,
                "outbound": outbound,
                "back": back,
                "created": created.replace(second=0, microsecond=0),
            }
        )
    drafts.sort(key=lambda d: (d["created"], d["outbound"][0].row["flight_id"]))

    reservations: list[dict[str, Any]] = []
    passengers: list[dict[str, Any]] = []
    segments: list[dict[str, Any]] = []
    payments: list[dict[str, Any]] = []
    compensations: list[dict[str, Any]] = []
    flights_of: dict[str, list[FlightRow]] = {}

    txn_counts: dict[tuple[str, str, str, str], int] = {}
    txn_ids: set[str] = set()

    def txn_id(res_id: str, payment_id: str, kind: str, purpose: str) -> str:
        # the same derivation as the tools' (tools/common.py): stable, order-free ids
        key = (res_id, payment_id, kind, purpose)
        same = txn_counts.get(key, 0)
        txn_counts[key] = same + 1
        salt = 0
        while True:
            code = "TX-" + R.stable_code(R.HEX_CHARS, 10, *key, same, salt)
            if code not in txn_ids:
                txn_ids.add(code)
                return code
            salt += 1

    def charge(
        res_id: str, method: dict[str, Any], purpose: str, amount: float, when: datetime
    ) -> None:
        payments.append(
            {
                "txn_id": txn_id(res_id, method["payment_id"], "charge", purpose),
                "reservation_id": res_id,
                "payment_id": method["payment_id"],
                "kind": "charge",
                "purpose": purpose,
                "amount": money(amount),
                "created_at": when.isoformat(),
            }
        )

    for d in drafts:
        user = d["user"]
        res_id = ctx.new_locator()
        created = d["created"]
        cabin = rng.choices(R.CABINS, weights=(25, 55, 20))[0]
        n_pax = rng.choices((1, 2, 3, 4, 5, 6), weights=(50, 30, 10, 7, 2, 1))[0]
        pax = make_passengers(rng, user, n_pax)
        for i, p in enumerate(pax):
            passengers.append(
                {
                    "reservation_id": res_id,
                    "position": i + 1,
                    **p,
                }
            )
        flights: list[FlightRow] = d["outbound"] + d["back"]
        flights_of[res_id] = flights
        fare_total = 0.0
        for i, f in enumerate(flights):
            fare = money(f.row[f"price_{cabin}"] * rng.uniform(0.82, 1.18))
            fare_total += fare
            segments.append(
                {
                    "reservation_id": res_id,
                    "position": i + 1,
                    "direction": "outbound" if i < len(d["outbound"]) else "return",
                    "flight_id": f.row["flight_id"],
                    "fare": fare,
                }
            )
        fare_total = money(fare_total * n_pax)
        insurance = rng.random() < 0.3
        free = R.free_bags_per_passenger(cabin, user["tier"]) * n_pax
        bags = min(rng.randint(0, free + 2), R.MAX_BAGS_PER_PASSENGER * n_pax)
        later_bags = 0
        if bags > free and rng.random() < 0.25:
            later_bags = bags - free
        booking_bags = bags - later_bags
        total = money(
            fare_total
            + (R.INSURANCE_PER_PASSENGER * n_pax if insurance else 0.0)
            + R.bag_fee(booking_bags, n_pax, cabin, user["tier"])
        )
        usable = [
            m
            for m in methods_by_user[user["user_id"]]
            if m["kind"] in ("credit_card", "debit_card")
            and date.fromisoformat(m["expires_on"]) >= created.date()
        ]
        gifts = [
            m
            for m in methods_by_user[user["user_id"]]
            if m["kind"] == "gift_card" and m["balance"] >= total
        ]
        certs = [
            m
            for m in methods_by_user[user["user_id"]]
            if m["kind"] == "travel_certificate"
            and m["balance"] > 0
            and m["issued_at"] < created.isoformat()
            and m["expires_on"] >= created.date().isoformat()
        ]
        if not usable and not gifts:
            # an account with nothing usable books with a card that was later removed;
            # give it a fresh card so the history stays consistent
            card = {
                "payment_id": ctx.new_id("PM-"),
                "user_id": user["user_id"],
                "kind": "credit_card",
                "brand": rng.choice(CARD_BRANDS),
                "last_four": f"{rng.randint(0, 9999):04d}",
                "expires_on": month_end(2028, rng.randint(1, 12)).isoformat(),
                "balance": None,
                "issued_at": None,
                "note": None,
            }
            ctx.methods.append(card)
            methods_by_user[user["user_id"]].append(card)
            usable = [card]
        remaining = total
        if certs and rng.random() < 0.35:
            cert = rng.choice(certs)
            used = money(min(cert["balance"], remaining))
            cert["balance"] = money(cert["balance"] - used)
            charge(res_id, cert, "booking", used, created)
            remaining = money(remaining - used)
        main = rng.choice(usable) if usable and (not gifts or rng.random() < 0.8) else None
        if main is None:
            gift = rng.choice(gifts)
            if remaining > 0:
                gift["balance"] = money(gift["balance"] - remaining)
            main = gift
        if remaining > 0:
            charge(res_id, main, "booking", remaining, created)
        if later_bags:
            when = created + timedelta(minutes=rng.randint(60, 20 * 24 * 60))
            if when < flights[0].dep - timedelta(hours=3) and when < NOW:
                fee = R.bag_fee(bags, n_pax, cabin, user["tier"]) - R.bag_fee(
                    booking_bags, n_pax, cabin, user["tier"]
                )
                bag_method = main if main["kind"] != "gift_card" else (usable or [main])[0]
                if bag_method["kind"] == "gift_card":
                    if bag_method["balance"] >= fee:
                        bag_method["balance"] = money(bag_method["balance"] - fee)
                    else:
                        bags = booking_bags
                        fee = 0
                if fee:
                    charge(res_id, bag_method, "baggage", fee, when)
            else:
                bags = booking_bags
        status = "active"
        cancelled_at = None
        reason = None
        airline_cancelled = [f for f in flights if f.row["status"] == "cancelled"]
        if airline_cancelled and rng.random() < 0.45:
            cancelled_at = min(
                NOW - timedelta(minutes=rng.randint(20, 600)),
                airline_cancelled[0].dep - timedelta(minutes=rng.randint(30, 600)),
            )
            if cancelled_at > created:
                status, reason = "cancelled", "airline cancelled flight"
        elif rng.random() < 0.08 and flights[0].dep > created + timedelta(hours=30):
            latest = min(NOW, flights[0].dep - timedelta(hours=3))
            span = int((latest - created).total_seconds() // 60)
            if span > 60:
                cancelled_at = created + timedelta(minutes=rng.randint(30, span))
                reason = rng.choice((*R.CANCEL_REASONS[:3], "other"))
                within = cancelled_at - created <= R.FREE_CANCEL_WINDOW
                insured_ok = insurance and reason in R.INSURED_REASONS
                if within or insured_ok:
                    status = "cancelled"
                elif cabin != "basic_economy":
                    status = "cancelled"
                    value = money(max(0.0, fare_total - R.CERTIFICATE_CANCEL_FEE * n_pax))
                    if value > 0:
                        ctx.methods.append(
                            {
                                "payment_id": ctx.new_id("TC-"),
                                "user_id": user["user_id"],
                                "kind": "travel_certificate",
                                "brand": None,
                                "last_four": None,
                                "expires_on": (cancelled_at + R.CERTIFICATE_VALIDITY)
                                .date()
                                .isoformat(),
                                "balance": value,
                                "issued_at": cancelled_at.isoformat(),
                                "note": f"Cancellation credit for reservation {res_id}",
                            }
                        )
                    status = "cancelled-credit"
        if status.startswith("cancelled"):
            assert cancelled_at is not None
            if status == "cancelled":
                for p in [p for p in payments if p["reservation_id"] == res_id]:
                    payments.append(
                        {
                            "txn_id": txn_id(
                                res_id, p["payment_id"], "refund", "cancellation_refund"
                            ),
                            "reservation_id": res_id,
                            "payment_id": p["payment_id"],
                            "kind": "refund",
                            "purpose": "cancellation_refund",
                            "amount": p["amount"],
                            "created_at": cancelled_at.isoformat(),
                        }
                    )
            status = "cancelled"
        reservations.append(
            {
                "reservation_id": res_id,
                "user_id": user["user_id"],
                "origin": d["origin"],
                "destination": d["dest"],
                "trip_type": "round_trip" if d["back"] else "one_way",
                "cabin": cabin,
                "status": status,
                "created_at": created.isoformat(),
                "cancelled_at": iso(cancelled_at),
                "cancel_reason": reason,
                "insurance": insurance,
                "checked_bags": bags,
            }
        )

    # goodwill compensation already issued for some disrupted flights
    tiers = {u["user_id"]: u["tier"] for u in ctx.users}
    for res in reservations:
        for f in flights_of[res["reservation_id"]]:
            st, delay = f.row["status"], f.row["delay_minutes"]
            disrupted = st == "cancelled" or (
                st == "landed" and delay >= R.COMPENSATION_MIN_DELAY_MINUTES
            )
            if not disrupted or f.dep > NOW or rng.random() > 0.35:
                continue
            eligible = (
                tiers[res["user_id"]] in R.COMPENSATION_TIERS
                or res["cabin"] == "business"
                or res["insurance"]
            )
            if not eligible:
                continue
            n_pax = sum(1 for p in passengers if p["reservation_id"] == res["reservation_id"])
            per = R.COMPENSATION_CANCELLED if st == "cancelled" else R.COMPENSATION_DELAYED
            reason = "cancelled" if st == "cancelled" else "delayed"
            amount = money(per * n_pax)
            issued = f.dep + timedelta(minutes=delay + rng.randint(180, 2000))
            if issued >= NOW:
                continue
            cert_id = ctx.new_id("TC-")
            ctx.methods.append(
                {
                    "payment_id": cert_id,
                    "user_id": res["user_id"],
                    "kind": "travel_certificate",
                    "brand": None,
                    "last_four": None,
                    "expires_on": (issued + R.CERTIFICATE_VALIDITY).date().isoformat(),
                    "balance": amount,
                    "issued_at": issued.isoformat(),
                    "note": f"Compensation: {f.row['flight_number']} on "
                    f"{f.row['flight_date']} {reason}",
                }
            )
            compensations.append(
                {
                    "reservation_id": res["reservation_id"],
                    "flight_id": f.row["flight_id"],
                    "certificate_id": cert_id,
                    "reason": reason,
                    "amount": amount,
                    "issued_at": issued.isoformat(),
                }
            )
            break
    return {
        "reservations": reservations,
        "passengers": passengers,
        "segments": segments,
        "payments": payments,
        "compensations": compensations,
    }


def make_passengers(rng: random.Random, user: dict[str, Any], n: int) -> list[dict[str, Any]]:
    people: list[dict[str, Any]] = []
    if rng.random() < 0.78:
        people.append(
            {
                "first_name": user["first_name"],
                "last_name": user["last_name"],
                "date_of_birth": user["date_of_birth"],
            }
        )
    while len(people) < n:
        firsts, lasts = rng.choice(CULTURES)
        family = people and rng.random() < 0.55
        last = user["last_name"] if family else rng.choice(lasts)
        dob = date(1940, 1, 1) + timedelta(days=rng.randint(0, 84 * 365))
        if dob >= NOW.date():
            dob = date(2019, 6, 1)
        people.append(
            {"first_name": rng.choice(firsts), "last_name": last, "date_of_birth": dob.isoformat()}
        )
    return people


# ----------------------------------------------------------------------------- output


def tables() -> dict[str, list[dict[str, Any]]]:
    """Every table's rows."""
    ctx = Ctx(rng=random.Random(SEED))
    found: dict[str, list[dict[str, Any]]] = {"airports": make_airports()}
    found["flights"] = make_flights(ctx)
    make_users(ctx)
    found["users"] = ctx.users
    found.update(make_reservations(ctx))
    found["payment_methods"] = ctx.methods
    return found
