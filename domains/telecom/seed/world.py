"""Larkspur Telecom's world: the seed data's size and its literal vocabulary.

Cities, streets, names, the plan and add-on catalogue, devices, outage causes and ticket
texts, laid out by hand (``fmt: off``) so that a reviewer reads the world at a glance.
Everything here is fictional. The order of every list is part of the seed data: the
generator draws from these lists with a fixed seed, so reordering or appending an entry
changes the generated files.
"""

from __future__ import annotations

SEED = 73_104
N_ACCOUNTS = 240
N_INVOICES = 6  # monthly invoices per account (fewer for recent customers)

# fmt: off
CITIES: list[tuple[str, list[str]]] = [
    ("Brennick Falls", ["73104", "73106", "73109"]), ("Alder Cove", ["73215", "73218"]),
    ("Port Saffron", ["73320", "73322", "73327"]), ("Millbridge", ["73431", "73433"]),
    ("Quillon Heights", ["73540", "73544"]), ("Tessary", ["73652"]),
    ("Eastmere", ["73760", "73761"]), ("Rookhaven", ["73872", "73875"]),
    ("Juniper Crossing", ["73981"]), ("Carrow Point", ["74090", "74093"]),
]

STREETS = [
    "Larch Row", "Vesper Lane", "Coppergate Road", "Mariner Street", "Old Quarry Road",
    "Heron Walk", "Tinsmith Avenue", "Saltmarsh Drive", "Bellwether Court", "Kiln Street",
    "Orchard Terrace", "Lantern Hill Road", "Foundry Lane", "Wren Crescent", "Millrace Way",
    "Harbor View Drive", "Chandler Street", "Juniper Loop", "Ferry Landing Road",
    "Slate Ridge Avenue", "Quarry Bend", "Beacon Street", "Thistle Park Lane", "Cobbler's Row",
    "Granary Road", "Spindle Court", "Marigold Avenue", "Weir Street",
]

# (first names, last names) per naming tradition; a person takes both from one list.
NAMES: list[tuple[list[str], list[str]]] = [
    (["Haruto", "Yui", "Sota", "Aoi", "Ren", "Hina", "Kenji", "Emi", "Takumi", "Sakura"],
     ["Tanaka", "Watanabe", "Kobayashi", "Yamamoto", "Nakamura", "Fujita", "Ishikawa", "Mori"]),
    (["Adebayo", "Chiamaka", "Oluwaseun", "Ngozi", "Emeka", "Funmilayo", "Chidi", "Tolu"],
     ["Okafor", "Adeyemi", "Eze", "Balogun", "Nwosu", "Ogunleye", "Okonkwo"]),
    (["Aarav", "Priya", "Rohan", "Ananya", "Vikram", "Kavya", "Arjun", "Meera", "Sanjay"],
     ["Sharma", "Iyer", "Patel", "Reddy", "Banerjee", "Nair", "Gupta", "Menon"]),
    (["Alejandro", "Guadalupe", "Mateo", "Ximena", "Diego", "Valeria", "Luis", "Camila"],
     ["Hernández", "Ramírez", "Morales", "Castillo", "Vargas", "Mendoza", "Ortega"]),
    (["Katarzyna", "Tomasz", "Agnieszka", "Piotr", "Zofia", "Marek", "Ewa"],
     ["Nowak", "Wójcik", "Kaczmarek", "Mazur", "Krawczyk", "Dudek"]),
    (["Minh", "Linh", "Quang", "Thao", "Huy", "Ngoc", "Duc", "Mai"],
     ["Nguyen", "Tran", "Le", "Pham", "Hoang", "Vu", "Dang"]),
    (["Omar", "Layla", "Karim", "Nadia", "Yousef", "Rania", "Tarek", "Salma"],
     ["Haddad", "Khoury", "Mansour", "Nasser", "Saleh", "Farouk", "Aziz"]),
    (["Siobhan", "Ciaran", "Aoife", "Declan", "Niamh", "Padraig", "Orla"],
     ["O'Brien", "Murphy", "Gallagher", "Doyle", "Keane", "Byrne"]),
    (["Min-jun", "Seo-yeon", "Ji-ho", "Ha-eun", "Do-yun", "Su-bin", "Jae-won"],
     ["Kim", "Park", "Choi", "Jung", "Kang", "Yoon", "Lim"]),
    (["João", "Larissa", "Thiago", "Beatriz", "Rafael", "Juliana", "Gustavo"],
     ["Silva", "Oliveira", "Souza", "Carvalho", "Ribeiro", "Almeida", "Barbosa"]),
    (["Abebe", "Selam", "Dawit", "Hiwot", "Yonas", "Meron", "Tesfaye"],
     ["Bekele", "Tadesse", "Girma", "Haile", "Alemu", "Wolde", "Kebede"]),
    (["Jose", "Maricel", "Ramon", "Kristine", "Paolo", "Jasmine", "Rodel"],
     ["Santos", "Reyes", "Dela Cruz", "Bautista", "Villanueva", "Aquino"]),
    (["Emre", "Elif", "Burak", "Zeynep", "Mehmet", "Ayşe", "Can"],
     ["Yılmaz", "Demir", "Kaya", "Şahin", "Çelik", "Aydın", "Öztürk"]),
    (["Nikos", "Eleni", "Giorgos", "Katerina", "Dimitris", "Sofia", "Yannis"],
     ["Papadopoulos", "Georgiou", "Nikolaidis", "Christodoulou", "Karagiannis"]),
    (["Lars", "Ingrid", "Erik", "Astrid", "Johan", "Maja", "Henrik"],
     ["Lindqvist", "Bergström", "Johansson", "Sandberg", "Holm", "Nyberg"]),
    (["Wei", "Xiaoling", "Jun", "Mei", "Hao", "Yan", "Zhiwei", "Lihua"],
     ["Chen", "Wang", "Liu", "Zhang", "Huang", "Zhou", "Lin", "Guo"]),
    (["Kwame", "Akosua", "Kofi", "Ama", "Yaw", "Efua", "Kwabena"],
     ["Mensah", "Owusu", "Asante", "Boateng", "Appiah", "Osei"]),
    (["Dariush", "Shirin", "Reza", "Parisa", "Kian", "Leila", "Arash"],
     ["Hosseini", "Tehrani", "Karimi", "Rahimi", "Moradi", "Jafari"]),
    (["Olena", "Andriy", "Natalia", "Taras", "Iryna", "Bohdan", "Oksana"],
     ["Kovalenko", "Bondarenko", "Melnyk", "Tkachenko", "Lysenko"]),
    (["Giulia", "Marco", "Francesca", "Luca", "Chiara", "Matteo", "Alessandra"],
     ["Rossi", "Bianchi", "Esposito", "Romano", "Colombo", "Ricci", "Marino"]),
    (["Emily", "James", "Hannah", "Michael", "Olivia", "Daniel", "Grace", "Tyler"],
     ["Whitaker", "Brooks", "Sullivan", "Hayes", "Fletcher", "Carver", "Pruitt"]),
    (["Andre", "Shanice", "Marlon", "Kimone", "Dwayne", "Tanisha"],
     ["Campbell", "Grant", "Francis", "McKenzie", "Thompson"]),
    (["Lukas", "Anna", "Jonas", "Lena", "Felix", "Miriam"],
     ["Becker", "Hoffmann", "Schuster", "Krüger", "Vogel"]),
    (["Abdi", "Hodan", "Mahad", "Faadumo", "Ayaan", "Liban"],
     ["Warsame", "Farah", "Abdullahi", "Jama", "Hassan"]),
    (["Tupac", "Killa", "Wayra", "Sisa", "Inti"], ["Mamani", "Quispe", "Condori", "Huaman"]),
    (["Ilana", "Avi", "Noa", "Eitan", "Tamar"], ["Levi", "Mizrahi", "Peretz", "Friedman"]),
]

EMAIL_DOMAINS = ["example.com", "example.net", "example.org", "mail.example", "post.example"]

# plan_id, name, line_type, price (cents), data_gb, hotspot_gb, speed_mbps, available, text
PLANS: list[tuple[str, str, str, int, int | None, int, int | None, bool, str]] = [
    ("MOB-SPARK5", "Spark 5", "mobile", 2500, 5, 0, None, True,
     "5 GB of high-speed data, unlimited talk and text; data slows to 256 kbps after 5 GB."),
    ("MOB-SPARK15", "Spark 15", "mobile", 3500, 15, 5, None, True,
     "15 GB of high-speed data including 5 GB of hotspot, unlimited talk and text."),
    ("MOB-HZN", "Horizon Unlimited", "mobile", 5500, None, 15, None, True,
     "Unlimited data, talk and text; 15 GB of hotspot; calls to 20 countries included."),
    (
        "MOB-HZNMAX", "Horizon Unlimited Max", "mobile", 7250, None, 50, None, True,
        "Unlimited data with priority speeds, 50 GB of hotspot, 4K streaming, calls to 60 "
        "countries included.",
    ),
    ("MOB-CLASSIC10", "Classic 10", "mobile", 3000, 10, 0, None, False,
     "Legacy plan (no longer offered): 10 GB of data, unlimited talk and text."),
    ("MOB-TALKTXT", "Talk & Text Essentials", "mobile", 1500, 1, 0, None, False,
     "Legacy plan (no longer offered): unlimited talk and text with 1 GB of data."),
    ("HOM-FIBER300", "Fiber 300", "home_internet", 4500, None, 0, 300, True,
     "Fiber home internet, 300 Mbps down and up, no data cap."),
    ("HOM-FIBER1G", "Fiber 1 Gig", "home_internet", 6800, None, 0, 1000, True,
     "Fiber home internet, 1 Gbps down and up, no data cap."),
    ("HOM-FIBER2G", "Fiber 2 Gig", "home_internet", 9200, None, 0, 2000, True,
     "Fiber home internet, 2 Gbps down and up, no data cap, Wi-Fi 7 gateway."),
    ("HOM-AIR100", "Air 100", "home_internet", 3999, None, 0, 100, True,
     "Fixed-wireless home internet up to 100 Mbps where fiber is not available."),
    ("HOM-COPPER25", "Copper 25", "home_internet", 2999, None, 0, 25, False,
     "Legacy copper-line internet up to 25 Mbps (no longer offered)."),
    ("WRB-LINK", "Wrist Link", "wearable", 1000, None, 0, None, True,
     "Smartwatch line sharing the paired phone's number; calls, texts and data on the watch."),
    ("WRB-LINKPLUS", "Wrist Link Plus", "wearable", 1500, None, 0, None, True,
     "Smartwatch line with its own number and watch roaming in 30 countries."),
]

# addon_id, name, kind, line_type, price (cents), duration_days, region, available, text
ADDONS: list[tuple[str, str, str, str, int, int | None, str | None, bool, str]] = [
    ("ADD-HOTSPOT20", "Hotspot Boost 20 GB", "feature", "mobile", 1000, None, None, True,
     "Adds 20 GB of hotspot data each month."),
    ("ADD-INTLCALL", "World Calling 300", "feature", "mobile", 800, None, None, True,
     "300 minutes a month of calls to landlines and mobiles in 80 countries."),
    ("ADD-PROTECT", "Device Protection", "feature", "mobile", 1250, None, None, True,
     "Covers accidental damage, loss and theft of the line's phone (claim deductible applies)."),
    ("ADD-CLOUD200", "Cloud Vault 200 GB", "feature", "mobile", 399, None, None, True,
     "200 GB of encrypted photo and file backup."),
    ("ADD-CALLGUARD", "Call Guard Pro", "feature", "mobile", 299, None, None, True,
     "Blocks suspected scam calls and shows caller names."),
    ("ADD-VOICEMAIL", "Visual Voicemail Plus", "feature", "mobile", 199, None, None, False,
     "Legacy voicemail transcription (no longer offered)."),
    ("ADD-STATICIP", "Static IP Address", "feature", "home_internet", 1000, None, None, True,
     "A fixed public IPv4 address for the home connection."),
    ("ADD-MESH", "Mesh Extender Rental", "feature", "home_internet", 750, None, None, True,
     "Rental of one mesh Wi-Fi extender, replaced free if it fails."),
    ("ADD-HOMESHIELD", "Home Shield Security", "feature", "home_internet", 599, None, None, True,
     "Network-level malware and phishing protection for every home device."),
    ("ADD-WATCHCARE", "Watch Care", "feature", "wearable", 450, None, None, True,
     "Accidental damage cover for the watch on this line."),
    ("RP-EU7", "Europe 7-Day Pass", "roaming_pass", "mobile", 3500, 7, "Europe", True,
     "7 days of calls, texts and 10 GB of data in 40 European countries."),
    ("RP-EU30", "Europe 30-Day Pass", "roaming_pass", "mobile", 7500, 30, "Europe", True,
     "30 days of calls, texts and 30 GB of data in 40 European countries."),
    ("RP-AMER7", "Americas 7-Day Pass", "roaming_pass", "mobile", 2500, 7, "Americas", True,
     "7 days of calls, texts and 8 GB of data in Canada, Mexico, Central and South America."),
    ("RP-APAC10", "Asia-Pacific 10-Day Pass", "roaming_pass", "mobile", 4500, 10, "Asia-Pacific",
     True, "10 days of calls, texts and 12 GB of data in 18 Asia-Pacific countries."),
    ("RP-GLOBAL30", "Worldwide 30-Day Pass", "roaming_pass", "mobile", 11000, 30, "Worldwide", True,
     "30 days of calls, texts and 25 GB of data in 150 countries."),
    ("RP-CARIB3", "Caribbean 3-Day Pass", "roaming_pass", "mobile", 1500, 3, "Caribbean", True,
     "3 days of calls, texts and 3 GB of data on 20 Caribbean islands."),
]

# model, price (cents), 8-digit type allocation code for IMEIs
PHONES: list[tuple[str, int, str]] = [
    ("Orbit X2", 89900, "35827411"), ("Orbit X2 Max", 109900, "35827412"),
    ("Orbit S1", 64900, "35827409"), ("Pellucid 14", 79900, "35491206"),
    ("Pellucid 14 Pro", 114900, "35491207"), ("Nova Lite 5", 32900, "86433105"),
    ("Nova 5", 49900, "86433106"), ("Tern Fold", 139900, "35066318"), ("Tern S", 57900, "35066314"),
]

WATCHES: list[tuple[str, int, str]] = [
    ("Pulse Watch 3", 34900, "35930822"), ("Pulse Watch 3 Sport", 39900, "35930823"),
]

ROUTERS = {
    "fiber": ("LarkLink Fiber Gateway G3", "LLG3"),
    "fiber7": ("LarkLink Fiber Gateway G4 (Wi-Fi 7)", "LLG4"),
    "air": ("LarkLink Air Receiver A1", "LLA1"), "copper": ("LarkLink DSL Modem M2", "LLM2"),
}

SIM_MODEL = "Larkspur SIM card"

OUTAGE_CAUSES = {
    "mobile": [
        "Power failure at a cell site", "Storm damage to a cell tower antenna",
        "Backhaul fiber cut during road works", "Radio equipment fault at a cell site",
        "Planned cell site upgrade ran over schedule",
    ],
    "home_internet": [
        "Fiber cable cut during construction work",
        "Optical line terminal fault at the local exchange", "Flooded street cabinet",
        "Core router software fault", "Planned fiber maintenance ran over schedule",
    ],
}

# by category, and for line-level categories by "category:line_type"
TICKET_SUBJECTS = {
    "billing": [
        "Question about charges on the latest bill", "Autopay did not run this month",
        "Charged twice for the same payment", "Wants an itemised copy of an older bill",
        "Late fee dispute",
    ],
    "account": [
        "Update the billing address", "Request to reset the account PIN",
        "Add an authorised contact to the account", "Paper bills still arriving after opting out",
    ],
    "network:mobile": [
        "Calls drop inside the house", "No signal in the basement office",
        "Slow mobile data downtown",
    ],
    "network:home_internet": [
        "Fiber speed much lower in the evening", "Home internet drops every few hours",
    ],
    "network:wearable": ["Watch loses signal away from the phone"],
    "device:mobile": [
        "Phone screen flickers after update", "Battery drains within a few hours",
        "SIM not detected after drop",
    ],
    "device:home_internet": ["Gateway reboots on its own", "Gateway Wi-Fi light blinking red"],
    "device:wearable": ["Watch no longer syncs with phone"],
    "plan:mobile": [
        "Comparing unlimited plans for a teenager", "Hotspot not working on current plan",
        "Roaming pass did not activate abroad",
    ],
    "plan:home_internet": ["Asked about faster fiber tiers", "Static IP not assigned"],
    "plan:wearable": ["Asked whether the watch works abroad"],
}

TICKET_NOTE_TEXTS = {
    "open": ["Customer described the issue; waiting for first review."],
    "in_progress": [
        "Assigned to the second-line team for investigation.",
        "Technician reviewing line diagnostics.", "Waiting on a reply from the field team.",
    ],
    "resolved": [
        "Issue fixed and confirmed with the customer.",
        "Configuration corrected remotely; customer to monitor for a week.",
        "Explained the charges; customer satisfied.",
    ],
    "closed": ["No further contact from the customer; ticket closed."],
}
# fmt: on
