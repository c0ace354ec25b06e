"""Larkline Air's world: the seed data's size and its literal vocabulary.

Airports, routes, aircraft, names, streets and towns, laid out by hand (``fmt: off``) so
that a reviewer reads the world in a screen or two. Everything here is fictional. The
order of every list is part of the seed data: the generator draws from these lists with a
fixed seed, so reordering or appending an entry changes the generated files.
"""

from __future__ import annotations

from datetime import date

SEED = 20260514
FIRST_DATE = date(2026, 5, 1)
LAST_DATE = date(2026, 6, 5)
N_USERS = 540
N_RESERVATIONS = 2150

# fmt: off
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
    ("PAV", "KSN", 4, None), ("PAV", "MRB", 2, None), ("PAV", "TLF", 2, None),
    ("PAV", "BLH", 2, None), ("PAV", "SMR", 2, None), ("PAV", "NHV", 1, (0, 1, 2, 3, 4, 6)),
    ("PAV", "WRK", 2, None), ("PAV", "HMR", 2, None), ("PAV", "ADC", 1, None),
    ("PAV", "FNB", 1, None), ("PAV", "CDM", 1, (0, 2, 4, 5)), ("KSN", "QPT", 2, None),
    ("KSN", "RVH", 2, None), ("KSN", "LDX", 2, None), ("KSN", "CSP", 2, None),
    ("KSN", "FNB", 2, None), ("KSN", "HMR", 1, None), ("KSN", "JPR", 2, None),
    ("KSN", "VYR", 1, (0, 1, 3, 4, 5, 6)), ("KSN", "DNM", 2, None), ("KSN", "CDM", 1, None),
    ("KSN", "TLF", 1, (0, 1, 2, 3, 4)), ("KSN", "SMR", 1, None), ("LDX", "JPR", 1, (1, 3, 5)),
    ("QPT", "CSP", 1, (0, 2, 4, 6)), ("VYR", "DNM", 1, (2, 4, 6)),
]

AIRCRAFT = [
    ("Tern 72 turboprop", 0, 600), ("Helix H190", 0, 1400), ("Helix H220", 500, 2500),
    ("Aeris A321 Longreach", 900, 2500),
]

CULTURES: list[tuple[list[str], list[str]]] = [
    # Nigerian
    (["Adebayo", "Chiamaka", "Oluwaseun", "Ngozi", "Emeka", "Funmilayo", "Tunde", "Ifeoma"],
     ["Okafor", "Adeyemi", "Eze", "Balogun", "Nwosu", "Okonkwo", "Adeleke", "Obi"]),
    # Indian
    (["Priya", "Arjun", "Ananya", "Rohan", "Kavya", "Vikram", "Meera", "Siddharth", "Lakshmi"],
     ["Sharma", "Iyer", "Patel", "Reddy", "Nair", "Chatterjee", "Gupta", "Menon", "Desai"]),
    # Chinese
    (["Wei", "Mei", "Jian", "Xiulan", "Hao", "Lin", "Yun", "Bo", "Ling", "Zihan"],
     ["Zhang", "Wang", "Liu", "Chen", "Zhou", "Huang", "Xu", "Sun", "Guo"]),
    # Japanese
    (["Haruto", "Yui", "Sota", "Aoi", "Ren", "Hina", "Kenji", "Sakura", "Takumi"],
     ["Tanaka", "Suzuki", "Watanabe", "Yamamoto", "Nakamura", "Kobayashi", "Sato", "Mori"]),
    # Korean
    (["Minjun", "Seoyeon", "Jiho", "Haeun", "Dohyun", "Yuna", "Joon"],
     ["Kim", "Park", "Choi", "Jung", "Kang", "Yoon", "Han"]),
    # Vietnamese
    (["Minh", "Linh", "Thanh", "Huong", "Duc", "Mai", "Quang"],
     ["Nguyen", "Tran", "Le", "Pham", "Hoang", "Vu", "Dang"]),
    # Arabic
    (["Omar", "Layla", "Yusuf", "Amira", "Karim", "Noor", "Hassan", "Salma", "Tariq"],
     ["Haddad", "Khalil", "Mansour", "Farouk", "Nasser", "Saleh", "Aziz"]),
    # Persian
    (["Dariush", "Shirin", "Kaveh", "Niloufar", "Arash", "Parisa"],
     ["Tehrani", "Moradi", "Rahimi", "Karimi", "Jafari"]),
    # Turkish
    (["Emre", "Elif", "Murat", "Zeynep", "Burak", "Ayse"],
     ["Yilmaz", "Demir", "Sahin", "Celik", "Aydin", "Ozturk"]),
    # Polish
    (["Katarzyna", "Tomasz", "Agnieszka", "Piotr", "Magdalena", "Jakub"],
     ["Nowak", "Kowalczyk", "Wisniewski", "Zielinski", "Lewandowski", "Kaminski"]),
    # Ukrainian / Russian
    (["Dmytro", "Anastasia", "Oleksandr", "Yulia", "Sergei", "Irina"],
     ["Volkov", "Petrenko", "Sokolov", "Kuznetsov", "Bondarenko", "Morozov"]),
    # Brazilian
    (["Thiago", "Camila", "Rafael", "Beatriz", "Lucas", "Larissa"],
     ["Silva", "Santos", "Oliveira", "Souza", "Carvalho", "Ribeiro", "Almeida"]),
    # Mexican / Spanish
    (["Alejandro", "Lucia", "Mateo", "Valentina", "Diego", "Ximena", "Javier", "Paula"],
     ["Garcia", "Hernandez", "Morales", "Castillo", "Ramirez", "Vargas", "Ortega", "Navarro"]),
    # Irish / Scottish
    (["Siobhan", "Declan", "Aoife", "Ciaran", "Niamh", "Fergus", "Moira"],
     ["O'Brien", "Byrne", "MacLeod", "Gallagher", "Doyle", "Kavanagh", "Fraser"]),
    # Scandinavian
    (["Astrid", "Lars", "Ingrid", "Henrik", "Sigrid", "Bjorn", "Freya"],
     ["Lindqvist", "Johansen", "Nyberg", "Halvorsen", "Eriksen", "Dahl"]),
    # German / Dutch
    (["Lukas", "Hanna", "Jonas", "Greta", "Matthias", "Anke", "Sven"],
     ["Becker", "Hoffmann", "Vogel", "de Vries", "Bakker", "Schreiber", "Keller"]),
    # Italian
    (["Giulia", "Marco", "Chiara", "Luca", "Francesca", "Matteo"],
     ["Rossi", "Bianchi", "Ferrari", "Romano", "Esposito", "Conti"]),
    # Greek
    (["Eleni", "Nikos", "Sofia", "Yannis", "Katerina", "Stavros"],
     ["Papadopoulos", "Georgiou", "Nikolaidis", "Dimitriou", "Alexiou"]),
    # Ethiopian
    (["Abebe", "Selam", "Dawit", "Hana", "Yonas", "Meron"],
     ["Tesfaye", "Bekele", "Haile", "Girma", "Alemu", "Wolde"]),
    # Filipino
    (["Maricel", "Paolo", "Rowena", "Jericho", "Liza", "Ramon"],
     ["Dela Cruz", "Reyes", "Bautista", "Villanueva", "Mendoza", "Aquino"]),
    # Indonesian
    (["Putri", "Budi", "Sari", "Agus", "Dewi", "Wahyu"],
     ["Santoso", "Wijaya", "Hidayat", "Pratama", "Kusuma", "Saputra"]),
    # Ghanaian
    (["Kwame", "Ama", "Kofi", "Akosua", "Yaw", "Efua"],
     ["Mensah", "Asante", "Owusu", "Boateng", "Appiah", "Ofori"]),
    # Kenyan
    (["Wanjiru", "Otieno", "Achieng", "Kamau", "Njeri", "Baraka"],
     ["Kariuki", "Odhiambo", "Wafula", "Mutua", "Njoroge"]),
    # English-speaking
    (["Emily", "James", "Olivia", "Henry", "Charlotte", "Samuel", "Grace", "Daniel"],
     ["Whitfield", "Harper", "Bennett", "Caldwell", "Prescott", "Turner", "Holloway"]),
    # Hebrew
    (["Noa", "Eitan", "Tamar", "Avi", "Yael", "Ori"],
     ["Levi", "Friedman", "Shapiro", "Katz", "Ben-David"]),
    # Pakistani / Bangladeshi
    (["Ayesha", "Bilal", "Fatima", "Imran", "Sana", "Farhan"],
     ["Qureshi", "Chaudhry", "Rahman", "Hossain", "Siddiqui", "Malik"]),
    # Maori / Pacific
    (["Aroha", "Tane", "Mere", "Wiremu", "Losa", "Sione"],
     ["Ngata", "Parata", "Tipene", "Fifita", "Tuilagi"]),
]

STREETS = [
    "Harbour Road", "Linden Avenue", "Copperleaf Lane", "Mill Street", "Orchard Way",
    "Beacon Hill Road", "Tannery Row", "Juniper Court", "Wexford Street", "Saltmarsh Drive",
    "Kingfisher Close", "Old Quarry Road", "Lantern Street", "Ferris Avenue", "Willowbrook Drive",
    "Cedar Terrace", "Gullwing Parade", "Station Road", "Foundry Lane", "Ridgeview Crescent",
    "Thistle Walk", "Larch Boulevard", "Ropewalk Street", "Pike Lane",
]

EXTRA_TOWNS = [
    ("Gorse End", "Averne Coast"), ("Little Tollan", "Upper Tollan"), ("Ashgrove", "Kessland"),
    ("Redmarsh", "Saltmere"), ("Brackwater", "Southreach"), ("Stonebridge", "Greystone"),
    ("Hollins Ford", "Highmoor"), ("Pellow", "Westrake"),
]

REGION_CODES = {
    "Averne Coast": "AC", "Kessland": "KL", "Upper Tollan": "UT", "Northmarch": "NM",
    "Greystone": "GS", "Saltmere": "SM", "Southreach": "SR", "Highmoor": "HM", "Westrake": "WR",
    "Veyra Isles": "VI",
}

EMAIL_DOMAINS = [
    "mailbird.net", "postcove.com", "kestrelmail.org", "inboxharbor.com", "quillpost.net",
]

CARD_BRANDS = ["visa", "mastercard", "amex", "discover"]
# fmt: on
