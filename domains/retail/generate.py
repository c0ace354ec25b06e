"""Deterministic generator of Fernwick Market's seed data (``data/<table>.json``).

``tautrait domains generate retail`` writes :func:`tables` into ``data/`` (``--check``
compares instead). Everything derives from one ``random.Random(SEED)`` and the domain's
fixed time (``rules.NOW``); nothing reads the wall clock, and nothing iterates over a
set, so a re-run reproduces the files byte for byte.
"""

from __future__ import annotations

import random
import unicodedata
from datetime import date, datetime, timedelta
from typing import Any

from .rules import FEE_REASONS, FREE_SHIPPING_FROM, NOW, REGIONS, RETURN_FEE, SHIPPING_FEE

SEED = 20260515
TODAY = NOW.date()

N_USERS = 560

# --- People --------------------------------------------------------------------------

# (first names, family names) per naming tradition; a person's names come from one list,
# except for a share of mixed families.
# fmt: off
CULTURES: list[tuple[list[str], list[str]]] = [
    (["Olivia", "Ethan", "Hannah", "Marcus", "Claire", "Owen", "Grace", "Wesley", "Megan",
      "Trevor", "Abigail", "Colin", "Paige", "Dustin"],
     ["Whitfield", "Harrington", "Caldwell", "Brooks", "Pennington", "Mercer", "Hayes", "Sutton",
      "Lowell", "Garrett", "Ashby", "Thornton"]),
    (["Siobhan", "Ciarán", "Aoife", "Declan", "Niamh", "Eoin", "Róisín", "Pádraig", "Orla"],
     ["O'Connell", "Byrne", "Gallagher", "Doyle", "McCarthy", "Keane", "Brennan", "Flanagan"]),
    (["Lukas", "Annika", "Jonas", "Friederike", "Matthias", "Greta", "Tobias", "Leonie"],
     ["Hoffmann", "Becker", "Schröder", "Wagner", "Krüger", "Neumann", "Vogel", "Brandt"]),
    (["Astrid", "Linnea", "Henrik", "Sigrid", "Erik", "Maja", "Anders", "Ingrid"],
     ["Lindqvist", "Bergström", "Halvorsen", "Nyberg", "Sandberg", "Åkesson", "Dahl"]),
    (["Zofia", "Łukasz", "Agnieszka", "Marek", "Katarzyna", "Paweł", "Magdalena", "Tomasz"],
     ["Nowak", "Mazur", "Krawczyk", "Wójcik", "Kaczmarek", "Sikora", "Baran"]),
    (["Giulia", "Matteo", "Chiara", "Lorenzo", "Francesca", "Davide", "Elena", "Marco"],
     ["Bianchi", "Esposito", "Colombo", "Ricci", "Marino", "Greco", "Galli", "Conti"]),
    (["Valentina", "Diego", "Camila", "Mateo", "Lucía", "Santiago", "Ximena", "Alejandro",
      "Renata", "Joaquín"],
     ["Hernández", "Ramírez", "Castillo", "Morales", "Vargas", "Ortega", "Delgado", "Navarro",
      "Fuentes", "Guerrero"]),
    (["Beatriz", "João", "Larissa", "Thiago", "Rafaela", "Gustavo", "Mariana", "Caio"],
     ["Carvalho", "Ribeiro", "Almeida", "Costa", "Barbosa", "Pereira", "Rocha", "Teixeira"]),
    (["Adaeze", "Chinedu", "Folake", "Oluwaseun", "Ngozi", "Emeka", "Temitope", "Ifeoma",
      "Babatunde"],
     ["Okafor", "Adeyemi", "Nwosu", "Balogun", "Eze", "Okonkwo", "Adebayo", "Olawale"]),
    (["Kwame", "Ama", "Kofi", "Akosua", "Yaw", "Abena", "Kwabena", "Efua"],
     ["Mensah", "Asante", "Owusu", "Boateng", "Appiah", "Darko", "Ofori"]),
    (["Selam", "Dawit", "Hiwot", "Yonas", "Meron", "Tesfaye", "Liya", "Abel"],
     ["Bekele", "Haile", "Tadesse", "Girma", "Alemu", "Wolde", "Kebede"]),
    (["Wanjiru", "Otieno", "Achieng", "Kamau", "Njeri", "Baraka", "Zawadi"],
     ["Mwangi", "Odhiambo", "Kiprono", "Wafula", "Njoroge", "Chege"]),
    (["Layla", "Omar", "Yasmin", "Karim", "Nour", "Tariq", "Rania", "Samir", "Huda"],
     ["Haddad", "Khalil", "Nasser", "Saleh", "Mansour", "Farouk", "Aziz", "Hamdan"]),
    (["Elif", "Emre", "Zeynep", "Burak", "Ayşe", "Kerem", "Deniz", "Cem"],
     ["Yılmaz", "Demir", "Çelik", "Aydın", "Kaya", "Öztürk", "Arslan", "Şahin"]),
    (["Shirin", "Dariush", "Arash", "Parisa", "Kian", "Nasrin", "Babak", "Roya"],
     ["Rahimi", "Tehrani", "Karimi", "Moradi", "Jafari", "Sadeghi", "Hosseini"]),
    (["Priya", "Arjun", "Ananya", "Rohan", "Kavya", "Vikram", "Meera", "Siddharth", "Ishaan",
      "Divya"],
     ["Sharma", "Iyer", "Reddy", "Nair", "Patel", "Banerjee", "Menon", "Gupta", "Kulkarni",
      "Chatterjee"]),
    (["Ayesha", "Bilal", "Fatima", "Hamza", "Sana", "Imran", "Nadia", "Faisal"],
     ["Qureshi", "Chaudhry", "Rahman", "Siddiqui", "Malik", "Hussain", "Akhtar"]),
    (["Wei", "Mei", "Jun", "Xiu", "Hao", "Lan", "Yong", "Ling", "Zhen", "Jia"],
     ["Chen", "Wang", "Liu", "Zhang", "Huang", "Zhao", "Lin", "Xu", "Guo", "Tang"]),
    (["Haruto", "Yui", "Sota", "Aoi", "Ren", "Sakura", "Takumi", "Hina", "Kenji", "Emi"],
     ["Tanaka", "Sato", "Nakamura", "Kobayashi", "Watanabe", "Yamamoto", "Ishikawa", "Fujita",
      "Mori"]),
    (["Min-jun", "Ji-woo", "Seo-yeon", "Do-hyun", "Ha-eun", "Joon-ho", "Soo-ah", "Tae-yang"],
     ["Kim", "Park", "Lee", "Choi", "Jung", "Kang", "Yoon", "Han"]),
    (["Linh", "Minh", "Thao", "Quang", "Huong", "Duc", "Phuong", "Khoa"],
     ["Nguyen", "Tran", "Le", "Pham", "Vu", "Dang", "Bui", "Do"]),
    (["Maricel", "Jomar", "Kristine", "Paolo", "Angelica", "Rommel", "Jasmine", "Carlo"],
     ["Santos", "Reyes", "Dela Cruz", "Bautista", "Villanueva", "Mendoza", "Aquino"]),
    (["Anastasia", "Dmitri", "Oksana", "Mykola", "Irina", "Pavel", "Yulia", "Artem"],
     ["Kovalenko", "Shevchenko", "Petrov", "Volkov", "Bondarenko", "Morozov", "Tkachenko"]),
    (["Eleni", "Nikos", "Sofia", "Giorgos", "Katerina", "Dimitris", "Ioanna", "Stavros"],
     ["Papadopoulos", "Georgiou", "Nikolaidis", "Alexiou", "Konstantinou", "Vlachos"]),
    (["Camille", "Théo", "Manon", "Julien", "Chloé", "Antoine", "Élodie", "Mathis"],
     ["Moreau", "Lefebvre", "Girard", "Rousseau", "Fontaine", "Chevalier", "Dubois"]),
    (["Femke", "Daan", "Sanne", "Bram", "Lotte", "Joris", "Ilse", "Ruben"],
     ["de Vries", "van Dijk", "Bakker", "Visser", "Smit", "Jansen", "Mulder"]),
    (["Aroha", "Tama", "Mere", "Wiremu", "Anahera", "Rawiri"],
     ["Ngata", "Parata", "Walker", "Tawhiri", "Horomona"]),
]

MAIL_DOMAINS = ["example.com", "example.net", "example.org", "mail.example", "inbox.example"]

# --- Places (Fernwick Market ships to six regions) -----------------------------------

TOWNS: list[tuple[str, list[tuple[str, str]]]] = [
    # region code, [(town, 3-digit postal prefix: the region's digit first)]
    ("CC", [("Port Alder", "310"), ("Saltmere", "312"), ("Gullhaven", "315"),
            ("Westcliff Bay", "317")]),
    ("HV", [("Harlow", "420"), ("Millbrook", "423"), ("Ashcombe", "426"), ("Fennick", "428")]),
    ("BH", [("Brannock", "530"), ("Cairnfell", "533"), ("Tollmoor", "536"),
            ("High Corrie", "538")]),
    ("SP", [("Sable Crossing", "640"), ("Dunmore Flats", "643"), ("Kettleby", "646"),
            ("Prairie Rest", "648")]),
    ("EM", [("Eastmere", "750"), ("Lanthorn", "752"), ("Quayside", "755"),
            ("Marlow Point", "758")]),
    ("OL", [("Orrin", "860"), ("Birchwater", "863"), ("Loon Harbor", "865"), ("Stillwell", "868")]),
]

STREETS = [
    "Maple", "Juniper", "Harbor", "Quarry", "Lantern", "Orchard", "Willow", "Chandler",
    "Foundry", "Tannery", "Beacon", "Kingfisher", "Heron", "Copper", "Millrace", "Cobble",
    "Thistle", "Rowan", "Elder", "Larkspur", "Saddler", "Ferry", "Granary", "Bellweather",
    "Cormorant", "Hawthorn", "Ropewalk", "Glassworks", "Tidemark", "Bramble", "Lockkeeper",
    "Meadowlark", "Cinder", "Wharf", "Alder", "Sorrel", "Pinfold", "Kiln", "Fiddler", "Osprey",
]
STREET_TYPES = ["Street", "Road", "Avenue", "Lane", "Way", "Terrace", "Court", "Drive", "Row",
                "Close"]
UNIT_FORMATS = ["Apt {n}", "Apt {n}{l}", "Unit {n}", "Suite {n}", "Flat {n}", "Floor {f}"]

# --- Catalogue -------------------------------------------------------------------------

Opt = list[tuple[str, float]]

# name, brand, category, description, base price (whole units), options, returnable
CATALOGUE: list[tuple[str, str, str, str, int, list[tuple[str, Opt]], bool]] = [
    ("Harbor Rain Shell", "Tidewell", "Apparel",
     "Seam-sealed waterproof shell with a stowable hood.", 128,
     [("size", [("XS", 0), ("S", 0), ("M", 0), ("L", 0), ("XL", 0), ("XXL", 10)]),
      ("color", [("slate", 0), ("ochre", 0), ("forest", 0)])],
     True),
    ("Merino Crew Sweater", "Norrow", "Apparel",
     "Fine-gauge merino wool crew neck.", 89,
     [("size", [("S", 0), ("M", 0), ("L", 0), ("XL", 0)]),
      ("color", [("oatmeal", 0), ("charcoal", 0), ("rust", 0)])],
     True),
    ("Canvas Work Pants", "Aldercraft", "Apparel",
     "Double-knee cotton canvas trousers.", 64,
     [("waist", [("30", 0), ("32", 0), ("34", 0), ("36", 0), ("38", 0)]),
      ("inseam", [("30", 0), ("32", 0), ("34", 0)])],
     True),
    ("Organic Cotton Tee 3-Pack", "Fernwick Basics", "Apparel",
     "Three crew-neck tees in one colour.", 34,
     [("size", [("S", 0), ("M", 0), ("L", 0), ("XL", 0)]),
      ("color", [("white", 0), ("black", 0), ("heather grey", 0)])],
     True),
    ("Quilted Vest", "Tidewell", "Apparel",
     "Lightweight insulated vest with zip pockets.", 74,
     [("size", [("S", 0), ("M", 0), ("L", 0), ("XL", 0)]),
      ("color", [("navy", 0), ("olive", 0)])],
     True),
    ("Flannel Overshirt", "Aldercraft", "Apparel",
     "Brushed heavyweight flannel shirt-jacket.", 58,
     [("size", [("S", 0), ("M", 0), ("L", 0), ("XL", 0)]),
      ("pattern", [("red check", 0), ("blue check", 0), ("moss check", 0)])],
     True),
    ("Wool Beanie", "Norrow", "Apparel",
     "Ribbed wool-blend beanie, one size.", 22,
     [("color", [("mustard", 0), ("ink", 0), ("heather", 0), ("berry", 0)])],
     True),
    ("Linen Button-Down Shirt", "Stoneleigh", "Apparel",
     "Garment-washed linen shirt.", 69,
     [("size", [("S", 0), ("M", 0), ("L", 0), ("XL", 0)]),
      ("color", [("sand", 0), ("sky", 0), ("white", 0)])],
     True),
    ("Trail Runner Shoes", "Brisk & Co", "Footwear",
     "Grippy trail running shoes with a rock plate.", 119,
     [("size", [("7", 0), ("8", 0), ("9", 0), ("10", 0), ("11", 0), ("12", 0)]),
      ("color", [("storm grey", 0), ("volt green", 0)])],
     True),
    ("Leather Chelsea Boots", "Stoneleigh", "Footwear",
     "Full-grain leather pull-on boots.", 179,
     [("size", [("6", 0), ("7", 0), ("8", 0), ("9", 0), ("10", 0), ("11", 0), ("12", 0)]),
      ("color", [("chestnut", 0), ("black", 0)])],
     True),
    ("Wool Slippers", "Norrow", "Footwear",
     "Felted wool slippers with a suede sole.", 39,
     [("size", [("S", 0), ("M", 0), ("L", 0)]),
      ("color", [("grey", 0), ("camel", 0)])],
     True),
    ("Canvas Sneakers", "Fernwick Basics", "Footwear",
     "Low-top canvas sneakers.", 49,
     [("size", [("6", 0), ("7", 0), ("8", 0), ("9", 0), ("10", 0), ("11", 0), ("12", 0)]),
      ("color", [("white", 0), ("navy", 0), ("red", 0)])],
     True),
    ("Linen Duvet Cover", "Stoneleigh", "Home",
     "Stonewashed linen duvet cover with two shams.", 139,
     [("size", [("twin", -30), ("full", 0), ("queen", 20), ("king", 40)]),
      ("color", [("flax", 0), ("white", 0), ("clay", 0), ("sage", 0)])],
     True),
    ("Ceramic Table Lamp", "Halden", "Home",
     "Hand-glazed ceramic lamp base with a drum shade.", 84,
     [("color", [("matte white", 0), ("glazed teal", 0), ("speckled sand", 0)]),
      ("shade", [("linen", 0), ("paper", -6)])],
     True),
    ("Chunky Knit Throw", "Norrow", "Home",
     "Hand-knit chunky wool throw.", 72,
     [("color", [("cream", 0), ("dusty rose", 0), ("slate", 0)]),
      ("size", [("50x60 in", 0), ("60x80 in", 25)])],
     True),
    ("Turkish Cotton Bath Towels", "Tidewell", "Home",
     "Set of four absorbent Turkish cotton towels.", 56,
     [("color", [("white", 0), ("sea glass", 0), ("charcoal", 0), ("terracotta", 0)])],
     True),
    ("Blackout Curtain Panel", "Halden", "Home",
     "Thermal blackout panel, 52 in wide.", 42,
     [("length", [("63 in", 0), ("84 in", 6), ("96 in", 10)]),
      ("color", [("navy", 0), ("grey", 0), ("ivory", 0)])],
     True),
    ("Bamboo Sheet Set", "Stoneleigh", "Home",
     "Cooling bamboo-viscose sheet set.", 98,
     [("size", [("twin", -20), ("full", 0), ("queen", 15), ("king", 30)]),
      ("color", [("white", 0), ("mist", 0), ("sage", 0)])],
     True),
    ("Wall Clock", "Halden", "Home",
     "Silent-sweep wall clock.", 46,
     [("diameter", [("10 in", 0), ("14 in", 12)]),
      ("finish", [("walnut", 0), ("black", 0), ("brass", 8)])],
     True),
    ("Memory Foam Pillow", "Fernwick Basics", "Home",
     "Contoured memory foam pillow with a washable cover.", 45,
     [("size", [("standard", 0), ("king", 10)]),
      ("firmness", [("medium", 0), ("firm", 0)])],
     True),
    ("Jute Area Rug", "Halden", "Home",
     "Hand-woven natural jute rug.", 79,
     [("size", [("3x5 ft", 0), ("5x8 ft", 110), ("8x10 ft", 240)])],
     True),
    ("Cast Iron Skillet", "Aldercraft", "Kitchen",
     "Pre-seasoned cast iron skillet.", 32,
     [("diameter", [("8 in", -8), ("10 in", 0), ("12 in", 12)])],
     True),
    ("Chef's Knife", "Quillon", "Kitchen",
     "Forged high-carbon steel chef's knife.", 94,
     [("blade", [("6 in", -15), ("8 in", 0), ("10 in", 20)]),
      ("handle", [("walnut", 0), ("black composite", -5)])],
     True),
    ("Gooseneck Pour-Over Kettle", "Quillon", "Kitchen",
     "Electric gooseneck kettle with temperature hold.", 69,
     [("capacity", [("0.9 L", 0), ("1.2 L", 10)]),
      ("finish", [("matte black", 0), ("brushed steel", 0), ("copper", 15)])],
     True),
    ("Stand Mixer", "Lumen Forge", "Kitchen",
     "Tilt-head stand mixer with three attachments.", 329,
     [("color", [("cherry red", 0), ("cream", 0), ("graphite", 0), ("pistachio", 0)]),
      ("bowl", [("4.5 qt", 0), ("6 qt", 60)])],
     True),
    ("Glass Food Storage Set", "Fernwick Basics", "Kitchen",
     "Oven-safe glass containers with locking lids.", 38,
     [("pieces", [("10-piece", 0), ("18-piece", 14), ("24-piece", 24)])],
     True),
    ("Enameled Dutch Oven", "Aldercraft", "Kitchen",
     "Enameled cast iron Dutch oven.", 149,
     [("capacity", [("3.5 qt", -30), ("5.5 qt", 0), ("7 qt", 40)]),
      ("color", [("flame orange", 0), ("deep blue", 0), ("white", 0)])],
     True),
    ("Burr Coffee Grinder", "Quillon", "Kitchen",
     "Conical burr grinder with 40 settings.", 119,
     [("color", [("black", 0), ("silver", 0), ("matte white", 0)])],
     True),
    ("Bamboo Cutting Board Set", "Halden", "Kitchen",
     "Nesting bamboo boards with juice grooves.", 36,
     [("set", [("3-piece", 0), ("5-piece", 16)]),
      ("finish", [("natural", 0), ("carbonized", 4)])],
     True),
    ("Espresso Machine", "Lumen Forge", "Kitchen",
     "Semi-automatic espresso machine, 15 bar.", 449,
     [("model", [("Solo", 0), ("Duo with steam wand", 120)]),
      ("color", [("stainless", 0), ("black", 0)])],
     True),
    ("Noise-Cancelling Headphones", "Sonvale", "Electronics",
     "Over-ear wireless headphones, 30-hour battery.", 249,
     [("color", [("black", 0), ("sand", 0), ("midnight blue", 0)])],
     True),
    ("Wireless Earbuds", "Sonvale", "Electronics",
     "True wireless earbuds with active noise control.", 129,
     [("color", [("white", 0), ("black", 0), ("sage", 0)]),
      ("case", [("standard", 0), ("wireless charging", 20)])],
     True),
    ("Portable Power Bank", "Voltaro", "Electronics",
     "USB-C power bank with fast charging.", 39,
     [("capacity", [("10000 mAh", 0), ("20000 mAh", 20), ("26800 mAh", 40)]),
      ("color", [("black", 0), ("white", 0)])],
     True),
    ("Smart Thermostat", "Voltaro", "Electronics",
     "Learning thermostat with a room sensor.", 179,
     [("finish", [("white", 0), ("black", 0), ("brushed nickel", 20)])],
     True),
    ("USB-C Docking Hub", "Voltaro", "Electronics",
     "Aluminium hub with HDMI, Ethernet and card readers.", 59,
     [("ports", [("4-port", -20), ("7-port", 0), ("11-port", 30)])],
     True),
    ("E-Reader", "Pagewise", "Electronics",
     "Glare-free 7-inch e-ink reader, waterproof.", 139,
     [("storage", [("16 GB", 0), ("32 GB", 30)]),
      ("color", [("black", 0), ("plum", 0)])],
     True),
    ("Mechanical Keyboard", "Keyloft", "Electronics",
     "Hot-swappable mechanical keyboard.", 119,
     [("switch", [("linear red", 0), ("tactile brown", 0), ("clicky blue", 0)]),
      ("layout", [("full size", 10), ("tenkeyless", 0)])],
     True),
    ("Action Camera", "Voltaro", "Electronics",
     "4K waterproof action camera.", 299,
     [("bundle", [("standard", 0), ("adventure kit", 70), ("creator kit", 110)])],
     True),
    ("Bluetooth Speaker", "Sonvale", "Electronics",
     "Rugged waterproof speaker.", 79,
     [("size", [("mini", -30), ("standard", 0)]),
      ("color", [("coral", 0), ("charcoal", 0), ("teal", 0)])],
     True),
    ("27-inch Monitor", "Pixelmere", "Electronics",
     "IPS monitor with USB-C power delivery.", 289,
     [("resolution", [("QHD 1440p", 0), ("4K UHD", 110)]),
      ("stand", [("standard", 0), ("height-adjustable", 40)])],
     True),
    ("Smart LED Bulbs 4-Pack", "Voltaro", "Electronics",
     "App-controlled dimmable bulbs.", 44,
     [("fitting", [("E26", 0), ("E12", 0)]),
      ("light", [("tunable white", 0), ("full color", 16)])],
     True),
    ("Fitness Tracker Band", "Brisk & Co", "Electronics",
     "Heart-rate and sleep tracking band.", 89,
     [("color", [("black", 0), ("lilac", 0), ("sea blue", 0)]),
      ("band size", [("S/M", 0), ("L/XL", 0)])],
     True),
    ("Two-Person Backpacking Tent", "Cairnline", "Outdoor",
     "Freestanding three-season tent, 1.6 kg.", 289,
     [("color", [("olive", 0), ("orange", 0), ("sand", 0)])],
     True),
    ("Down Sleeping Bag", "Cairnline", "Outdoor",
     "Responsibly sourced 800-fill down mummy bag.", 219,
     [("rating", [("20°F", 0), ("0°F", 60)]),
      ("length", [("regular", 0), ("long", 20)])],
     True),
    ("Insulated Water Bottle", "Tidewell", "Outdoor",
     "Vacuum-insulated steel bottle.", 29,
     [("capacity", [("18 oz", -4), ("24 oz", 0), ("32 oz", 4), ("40 oz", 8)]),
      ("color", [("glacier", 0), ("black", 0), ("sunflower", 0), ("moss", 0)])],
     True),
    ("Trekking Poles", "Cairnline", "Outdoor",
     "Collapsible trekking poles, sold as a pair.", 69,
     [("material", [("aluminum", 0), ("carbon", 50)]),
      ("grip", [("foam", 0), ("cork", 8)])],
     True),
    ("Compact Camp Stove", "Cairnline", "Outdoor",
     "Lightweight backpacking stove.", 54,
     [("fuel", [("canister", 0), ("multi-fuel", 65)]),
      ("kit", [("stove only", 0), ("with pot set", 22)])],
     True),
    ("Daypack", "Tidewell", "Outdoor",
     "Weather-resistant hiking daypack.", 79,
     [("capacity", [("18 L", -10), ("24 L", 0), ("30 L", 15)]),
      ("color", [("rust", 0), ("black", 0), ("teal", 0)])],
     True),
    ("Folding Camp Chair", "Cairnline", "Outdoor",
     "Packable chair with a cup holder.", 49,
     [("color", [("green", 0), ("grey", 0), ("blue", 0)])],
     True),
    ("Travel Hammock", "Tidewell", "Outdoor",
     "Parachute-nylon hammock with tree straps.", 59,
     [("size", [("single", 0), ("double", 15)]),
      ("color", [("sunset stripe", 0), ("forest", 0)])],
     True),
    ("Yoga Mat", "Brisk & Co", "Fitness",
     "Non-slip natural rubber mat.", 48,
     [("thickness", [("4 mm", 0), ("6 mm", 8)]),
      ("color", [("plum", 0), ("sage", 0), ("charcoal", 0), ("coral", 0)])],
     True),
    ("Adjustable Dumbbells", "Ironvale", "Fitness",
     "Dial-adjustable dumbbells, sold as a pair.", 199,
     [("max weight", [("25 lb", -60), ("52 lb", 0), ("90 lb", 180)])],
     True),
    ("Resistance Band Set", "Brisk & Co", "Fitness",
     "Five latex-free loop bands with a carry bag.", 26,
     [("level", [("light", 0), ("medium", 0), ("heavy", 4)])],
     True),
    ("Foam Roller", "Brisk & Co", "Fitness",
     "High-density foam roller.", 29,
     [("length", [("18 in", 0), ("36 in", 10)]),
      ("density", [("soft", 0), ("firm", 0)])],
     True),
    ("Sonic Electric Toothbrush", "Dewbright", "Personal Care",
     "Rechargeable sonic toothbrush with a travel case.", 79,
     [("color", [("white", 0), ("black", 0), ("rose", 0)])],
     False),
    ("Cordless Beard Trimmer", "Dewbright", "Personal Care",
     "Precision trimmer with 20 length settings.", 59,
     [("kit", [("basic", 0), ("travel", 10), ("pro", 25)])],
     False),
    ("Hydrating Face Serum", "Petalcove", "Personal Care",
     "Hyaluronic serum, fragrance free.", 32,
     [("size", [("15 ml", -12), ("30 ml", 0), ("50 ml", 14)])],
     False),
    ("Solid Shampoo Bar", "Petalcove", "Personal Care",
     "Plastic-free shampoo bar.", 14,
     [("scent", [("cedar and sage", 0), ("citrus", 0), ("unscented", 0)])],
     False),
    ("Single-Origin Coffee Beans", "Kestrel Roasters", "Food & Drink",
     "Freshly roasted single-origin coffee.", 18,
     [("origin", [("Ethiopia", 0), ("Colombia", 0), ("Sumatra", 1)]),
      ("grind", [("whole bean", 0), ("espresso", 0), ("filter", 0)]),
      ("weight", [("12 oz", 0), ("2 lb", 18)])],
     False),
    ("Loose Leaf Tea Sampler", "Kestrel Roasters", "Food & Drink",
     "Eight tins of loose leaf tea.", 27,
     [("selection", [("green", 0), ("black", 0), ("herbal", 0)])],
     False),
    ("Dark Chocolate Bar Box", "Marlowe Confectioners", "Food & Drink",
     "Bean-to-bar dark chocolate.", 24,
     [("cacao", [("70%", 0), ("85%", 0)]),
      ("count", [("6 bars", 0), ("12 bars", 20)])],
     False),
    ("Wooden Jigsaw Puzzle", "Halden", "Toys & Hobbies",
     "Laser-cut wooden puzzle with whimsy pieces.", 34,
     [("pieces", [("500", 0), ("1000", 12)]),
      ("theme", [("harbor", 0), ("botanical", 0), ("mountain", 0)])],
     True),
    ("Watercolor Paint Set", "Quillon", "Toys & Hobbies",
     "Artist-grade half pans in a tin.", 42,
     [("palette", [("12 colors", -14), ("24 colors", 0), ("48 colors", 30)])],
     True),
    ("Magnetic Tile Set", "Fernwick Basics", "Toys & Hobbies",
     "Translucent magnetic building tiles.", 59,
     [("pieces", [("32", -22), ("60", 0), ("100", 30)])],
     True),
    ("Ergonomic Office Chair", "Keyloft", "Office",
     "Mesh task chair with lumbar support.", 349,
     [("color", [("black", 0), ("grey", 0)]),
      ("armrests", [("fixed", 0), ("4D adjustable", 50)])],
     True),
    ("Standing Desk", "Keyloft", "Office",
     "Dual-motor sit-stand desk.", 429,
     [("top", [("48x30 in", 0), ("60x30 in", 60)]),
      ("finish", [("oak", 0), ("walnut", 30), ("white", 0)])],
     True),
    ("Fountain Pen", "Quillon", "Office",
     "Piston-fill fountain pen.", 65,
     [("nib", [("fine", 0), ("medium", 0), ("broad", 0)]),
      ("color", [("jade", 0), ("ink blue", 0), ("burgundy", 0)])],
     True),
    ("Dot Grid Notebook 3-Pack", "Fernwick Basics", "Office",
     "Lay-flat notebooks, 160 pages each.", 21,
     [("size", [("A5", 0), ("B5", 4)]),
      ("colors", [("neutrals", 0), ("brights", 0)])],
     True),
]
# fmt: on

CARRIERS = [
    ("Swiftline Parcel", "SWL{d10}"),
    ("Northway Post", "NW{d9}FM"),
    ("Pelican Courier", "PC-{d4}-{d6}"),
]
CARD_BRANDS = [("Visa", 0.42), ("Mastercard", 0.34), ("Amex", 0.14), ("Discover", 0.10)]
CANCEL_REASONS = [
    "no longer needed",
    "ordered by mistake",
    "found a better price",
    "delivery too slow",
]
RETURN_REASONS = [
    "no longer needed",
    "wrong size or fit",
    "damaged or defective",
    "not as described",
]


def cents(value: float) -> float:
    return round(value + 1e-9, 2)


def ascii_fold(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in folded.lower() if c.isalnum())


def weighted(rng: random.Random, pairs: list[tuple[Any, float]]) -> Any:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def iso(value: date | datetime | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.replace(microsecond=0).isoformat()
    return value.isoformat()


def random_time(rng: random.Random, base: datetime, min_hours: float, max_hours: float) -> datetime:
    """``base`` plus a random span, rounded down to the minute."""
    moment = base + timedelta(minutes=rng.randint(int(min_hours * 60), int(max_hours * 60)))
    return moment.replace(second=0, microsecond=0)


class Generator:
    def __init__(self) -> None:
        self.rng = random.Random(SEED)
        self.tables: dict[str, list[dict[str, Any]]] = {}
        self.used_ids: set[str] = set()

    # -- ids --------------------------------------------------------------------------

    def unique(self, make: Any) -> str:
        while True:
            value = make()
            if value not in self.used_ids:
                self.used_ids.add(value)
                return value

    def digits(self, n: int) -> str:
        return "".join(self.rng.choice("0123456789") for _ in range(n))

    # -- catalogue --------------------------------------------------------------------

    def catalogue(self) -> None:
        rng = self.rng
        products: list[dict[str, Any]] = []
        variants: list[dict[str, Any]] = []
        for name, brand, category, description, base, options, returnable in CATALOGUE:
            pid = self.unique(lambda: f"P{rng.randint(1000, 9899)}")
            tail = rng.choice([0.0, 0.49, 0.5, 0.95, 0.99, 0.99, 0.0, 0.95])
            combos: list[list[tuple[str, str, float]]] = [[]]
            for opt_name, values in options:
                combos = [[*c, (opt_name, v, d)] for c in combos for v, d in values]
            if len(combos) > 12:
                keep = sorted(rng.sample(range(len(combos)), rng.randint(9, 12)))
                combos = [combos[i] for i in keep]
            products.append(
                {
                    "product_id": pid,
                    "name": name,
                    "brand": brand,
                    "category": category,
                    "description": description,
                    "option_names": [o[0] for o in options],
                    "returnable": returnable,
                }
            )
            for n, combo in enumerate(combos, start=1):
                price = cents(base + sum(d for _, _, d in combo) + tail)
                stock = 0 if rng.random() < 0.17 else rng.randint(1, 60)
                variants.append(
                    {
                        "variant_id": f"V{pid[1:]}-{n:02d}",
                        "product_id": pid,
                        "options": {k: v for k, v, _ in combo},
                        "price": price,
                        "stock": stock,
                    }
                )
        self.tables["products"] = products
        self.tables["variants"] = variants
        self.variants_by_product: dict[str, list[dict[str, Any]]] = {}
        for v in variants:
            self.variants_by_product.setdefault(v["product_id"], []).append(v)
        self.product_by_id = {p["product_id"]: p for p in products}

    # -- people ---------------------------------------------------------------------

    def address(self) -> dict[str, Any]:
        rng = self.rng
        region, towns = rng.choice(TOWNS)
        town, prefix = rng.choice(towns)
        line2 = None
        if rng.random() < 0.3:
            fmt = rng.choice(UNIT_FORMATS)
            line2 = fmt.format(n=rng.randint(1, 48), l=rng.choice("ABCDEF"), f=rng.randint(2, 9))
        return {
            "line1": f"{rng.randint(2, 2990)} {rng.choice(STREETS)} {rng.choice(STREET_TYPES)}",
            "line2": line2,
            "city": town,
            "region": region,
            "postal_code": f"{prefix}{rng.randint(1, 99):02d}",
        }

    def users(self) -> None:
        rng = self.rng
        users: list[dict[str, Any]] = []
        methods: list[dict[str, Any]] = []
        seen_names: set[tuple[str, str, str]] = set()
        emails: set[str] = set()
        while len(users) < N_USERS:
            firsts, lasts = rng.choice(CULTURES)
            first = rng.choice(firsts)
            last = rng.choice(rng.choice(CULTURES)[1] if rng.random() < 0.1 else lasts)
            addr = self.address()
            key = (ascii_fold(first), ascii_fold(last), addr["postal_code"])
            if key in seen_names:
                continue
            f, la = ascii_fold(first), ascii_fold(last)
            style = rng.randint(0, 5)
            local = [
                f"{f}.{la}",
                f"{f}{la}",
                f"{f[0]}.{la}",
                f"{f}_{la}",
                f"{f}.{la}{rng.randint(1, 99)}",
                f"{la}.{f}{rng.randint(70, 99)}",
            ][style]
            email = f"{local}@{rng.choice(MAIL_DOMAINS)}"
            if email in emails:
                continue
            seen_names.add(key)
            emails.add(email)
            uid = self.unique(lambda: f"U{rng.randint(100000, 999999)}")
            tier = weighted(rng, [("standard", 0.68), ("silver", 0.22), ("gold", 0.10)])
            since = TODAY - timedelta(days=rng.randint(420, 2900))
            users.append(
                {
                    "user_id": uid,
                    "first_name": first,
                    "last_name": last,
                    "email": email,
                    "phone": f"{rng.randint(201, 989)}-555-{rng.randint(1000, 9999)}",
                    "address_line1": addr["line1"],
                    "address_line2": addr["line2"],
                    "city": addr["city"],
                    "region": addr["region"],
                    "postal_code": addr["postal_code"],
                    "loyalty_tier": tier,
                    "member_since": iso(since),
                }
            )
            methods.extend(self.payment_methods(uid, email, since))
        self.tables["users"] = users
        self.tables["payment_methods"] = methods
        self.methods_by_user: dict[str, list[dict[str, Any]]] = {}
        for m in methods:
            self.methods_by_user.setdefault(m["user_id"], []).append(m)

    def payment_methods(self, uid: str, email: str, since: date) -> list[dict[str, Any]]:
        rng = self.rng
        kinds = ["credit_card"]
        if rng.random() < 0.45:
            kinds.append("credit_card")
        if rng.random() < 0.4:
            kinds.append("wallet")
        if rng.random() < 0.35:
            kinds.append("gift_card")
            if rng.random() < 0.15:
                kinds.append("gift_card")
        if rng.random() < 0.12:
            kinds[0] = "wallet"
        rows = []
        for kind in kinds:
            added = since + timedelta(days=rng.randint(0, max(1, (TODAY - since).days - 30)))
            row: dict[str, Any] = {
                "user_id": uid,
                "method_type": kind,
                "card_brand": None,
                "card_last4": None,
                "card_expires_on": None,
                "wallet_email": None,
                "gift_card_balance": None,
                "added_on": iso(added),
            }
            if kind == "credit_card":
                row["payment_method_id"] = self.unique(lambda: f"card_{self.digits(7)}")
                row["card_brand"] = weighted(rng, CARD_BRANDS)
                row["card_last4"] = self.digits(4)
                # Expiry: the last day of a month; about one card in eight has expired.
                months_ahead = rng.randint(-14, -1) if rng.random() < 0.12 else rng.randint(1, 56)
                year, month = divmod(TODAY.year * 12 + TODAY.month - 1 + months_ahead, 12)
                month += 1
                nxt = date(year + (month == 12), month % 12 + 1, 1)
                row["card_expires_on"] = iso(nxt - timedelta(days=1))
            elif kind == "wallet":
                row["payment_method_id"] = self.unique(lambda: f"wallet_{self.digits(7)}")
                row["wallet_email"] = email
            else:
                row["payment_method_id"] = self.unique(lambda: f"gift_{self.digits(7)}")
                row["gift_card_balance"] = (
                    0.0 if rng.random() < 0.15 else cents(rng.randint(5, 260) + rng.random())
                )
            rows.append(row)
        return rows

    # -- orders -----------------------------------------------------------------------

    def orders(self) -> None:
        rng = self.rng
        self.order_rows: list[dict[str, Any]] = []
        self.item_rows: list[dict[str, Any]] = []
        self.shipment_rows: list[dict[str, Any]] = []
        self.tx_rows: list[dict[str, Any]] = []
        self.return_rows: list[dict[str, Any]] = []
        self.return_item_rows: list[dict[str, Any]] = []
        self.credit_rows: list[dict[str, Any]] = []
        products = self.tables["products"]
        popularity = [rng.uniform(0.3, 3.0) for _ in products]
        for user in self.tables["users"]:
            n_orders = weighted(rng, [(0, 6), (1, 20), (2, 28), (3, 22), (4, 12), (5, 7), (6, 5)])
            for _ in range(n_orders):
                self.one_order(user, products, popularity)

        self.order_rows.sort(key=lambda o: o["order_id"])
        self.tables["orders"] = self.order_rows
        self.tables["order_items"] = self.item_rows
        self.tables["shipments"] = self.shipment_rows
        self.tables["transactions"] = self.tx_rows
        self.tables["return_requests"] = self.return_rows
        self.tables["return_items"] = self.return_item_rows
        self.tables["goodwill_credits"] = self.credit_rows

    def one_order(
        self, user: dict[str, Any], products: list[dict[str, Any]], popularity: list[float]
    ) -> None:
        rng = self.rng
        oid = self.unique(lambda: f"KL-{rng.randint(100000, 999999)}")
        num = oid[3:]
        status = weighted(
            rng, [("pending", 18), ("shipped", 14), ("delivered", 58), ("cancelled", 10)]
        )
        # Dates consistent with the status.
        shipped_at = delivered_at = cancelled_at = None
        estimated = None
        ship_status = None
        if status == "pending":
            placed = random_time(rng, NOW - timedelta(days=4), 0, 4 * 24 - 1)
        elif status == "shipped":
            if rng.random() < 0.7:
                placed = random_time(rng, NOW - timedelta(days=6), 0, 4 * 24)
            else:
                placed = random_time(rng, NOW - timedelta(days=16), 0, 9 * 24)
            shipped_at = random_time(rng, placed, 8, 40)
            if shipped_at > NOW - timedelta(hours=2):
                shipped_at = (NOW - timedelta(hours=3)).replace(minute=0)
            estimated = shipped_at.date() + timedelta(days=rng.randint(3, 7))
            lost = (NOW - shipped_at).days >= 9 and rng.random() < 0.25
            ship_status = "lost" if lost else "in_transit"
        elif status == "delivered":
            if rng.random() < 0.4:
                placed = random_time(rng, NOW - timedelta(days=40), 0, 31 * 24)
            else:
                placed = random_time(rng, NOW - timedelta(days=330), 0, 290 * 24)
            shipped_at = random_time(rng, placed, 8, 40)
            estimated = shipped_at.date() + timedelta(days=rng.randint(3, 6))
            delivered_at = random_time(rng, shipped_at, 40, 7 * 24)
            if delivered_at > NOW - timedelta(hours=1):
                delivered_at = (NOW - timedelta(hours=2)).replace(minute=0)
            ship_status = "delivered"
        else:
            placed = random_time(rng, NOW - timedelta(days=300), 0, 298 * 24)
            cancelled_at = random_time(rng, placed, 1, 30)

        # Items.
        n_items = weighted(rng, [(1, 38), (2, 30), (3, 16), (4, 10), (5, 6)])
        chosen: list[dict[str, Any]] = []
        while len(chosen) < n_items:
            product = rng.choices(products, weights=popularity)[0]
            if any(p["product_id"] == product["product_id"] for p in chosen) and (
                rng.random() < 0.9
            ):
                continue
            chosen.append(product)
        items = []
        for line_no, product in enumerate(chosen, start=1):
            variant = rng.choice(self.variants_by_product[product["product_id"]])
            price = variant["price"]
            if rng.random() < 0.15:
                price = cents(price * (1 - rng.choice([0.1, 0.15, 0.2])))
            items.append(
                {
                    "item_id": f"{oid}-{line_no}",
                    "order_id": oid,
                    "line_no": line_no,
                    "product_id": product["product_id"],
                    "variant_id": variant["variant_id"],
                    "unit_price": price,
                    "status": "cancelled" if status == "cancelled" else "active",
                }
            )
        subtotal = cents(sum(i["unit_price"] for i in items))
        fee = (
            0.0
            if subtotal >= FREE_SHIPPING_FROM or user["loyalty_tier"] == "gold"
            else SHIPPING_FEE
        )
        total = cents(subtotal + fee)

        # Payment: cards valid at the time of the order; a gift card only if it covers it.
        methods = self.methods_by_user[user["user_id"]]
        usable = (
            [
                m
                for m in methods
                if m["method_type"] == "wallet"
                or (
                    m["method_type"] == "credit_card"
                    and (
                        status in ("delivered", "cancelled")
                        or date.fromisoformat(m["card_expires_on"]) >= TODAY
                    )
                )
                or (m["method_type"] == "gift_card" and rng.random() < 0.5)
            ]
            or [m for m in methods if m["method_type"] != "gift_card"]
            or methods
        )
        method = rng.choice(usable)

        # Shipping address: usually the account's address, sometimes a gift address.
        if rng.random() < 0.85:
            ship = {
                "line1": user["address_line1"],
                "line2": user["address_line2"],
                "city": user["city"],
                "region": user["region"],
                "postal_code": user["postal_code"],
            }
            ship_name = f"{user['first_name']} {user['last_name']}"
        else:
            ship = self.address()
            firsts, lasts = rng.choice(CULTURES)
            ship_name = f"{rng.choice(firsts)} {rng.choice(lasts)}"

        self.order_rows.append(
            {
                "order_id": oid,
                "user_id": user["user_id"],
                "status": status,
                "placed_at": iso(placed),
                "ship_name": ship_name,
                "ship_line1": ship["line1"],
                "ship_line2": ship["line2"],
                "ship_city": ship["city"],
                "ship_region": ship["region"],
                "ship_postal_code": ship["postal_code"],
                "payment_method_id": method["payment_method_id"],
                "shipping_fee": fee,
                # Some pending orders already had their one item modification (same price).
                "items_modified": status == "pending" and rng.random() < 0.12,
                "cancelled_at": iso(cancelled_at),
                "cancel_reason": rng.choice(CANCEL_REASONS) if status == "cancelled" else None,
            }
        )
        self.item_rows.extend(items)
        tx = [0]

        def add_tx(kind: str, amount: float, when: datetime, pm: str, note: str) -> None:
            tx[0] += 1
            self.tx_rows.append(
                {
                    "transaction_id": f"TX-{num}-{tx[0]}",
                    "order_id": oid,
                    "payment_method_id": pm,
                    "kind": kind,
                    "amount": cents(amount),
                    "created_at": iso(when),
                    "note": note,
                }
            )

        add_tx("charge", total, placed, method["payment_method_id"], "order placed")
        if status == "cancelled":
            assert cancelled_at is not None
            add_tx("refund", total, cancelled_at, method["payment_method_id"], "order cancelled")

        if shipped_at is not None:
            carrier, pattern = rng.choice(CARRIERS)
            tracking = pattern.format(
                d10=self.digits(10), d9=self.digits(9), d4=self.digits(4), d6=self.digits(6)
            )
            assert estimated is not None and ship_status is not None
            self.shipment_rows.append(
                {
                    "shipment_id": f"SH-{num}",
                    "order_id": oid,
                    "carrier": carrier,
                    "tracking_number": tracking,
                    "status": ship_status,
                    "shipped_at": iso(shipped_at),
                    "estimated_delivery": iso(estimated),
                    "delivered_at": iso(delivered_at),
                }
            )
            late = ship_status == "in_transit" and estimated < TODAY
            if late and rng.random() < 0.2:
                self.past_goodwill(user, oid, methods, shipped_at)

        if status == "delivered" and rng.random() < 0.16:
            assert delivered_at is not None
            self.past_return(user, oid, items, methods, method, delivered_at, add_tx)

    def past_goodwill(
        self, user: dict[str, Any], oid: str, methods: list[dict[str, Any]], shipped_at: datetime
    ) -> None:
        rng = self.rng
        cap = {"standard": 10.0, "silver": 20.0, "gold": 30.0}[user["loyalty_tier"]]
        amount = cents(rng.choice([5.0, cap / 2, cap]))
        gifts = [m for m in methods if m["method_type"] == "gift_card"]
        when = random_time(rng, max(shipped_at, NOW - timedelta(days=3)), 1, 40)
        when = min(when, NOW - timedelta(hours=1)).replace(second=0)
        if gifts:
            gift = gifts[0]
        else:
            gift = {
                "payment_method_id": f"gift_{oid[3:]}",
                "user_id": user["user_id"],
                "method_type": "gift_card",
                "card_brand": None,
                "card_last4": None,
                "card_expires_on": None,
                "wallet_email": None,
                "gift_card_balance": 0.0,
                "added_on": iso(when.date()),
            }
            methods.append(gift)
            self.tables["payment_methods"].append(gift)
        gift["gift_card_balance"] = cents(gift["gift_card_balance"] + amount)
        self.credit_rows.append(
            {
                "credit_id": f"GW-{oid[3:]}",
                "order_id": oid,
                "user_id": user["user_id"],
                "gift_card_id": gift["payment_method_id"],
                "amount": amount,
                "issued_at": iso(when),
                "note": "late delivery",
            }
        )

    def past_return(
        self,
        user: dict[str, Any],
        oid: str,
        items: list[dict[str, Any]],
        methods: list[dict[str, Any]],
        paid_with: dict[str, Any],
        delivered_at: datetime,
        add_tx: Any,
    ) -> None:
        rng = self.rng
        candidates = [i for i in items if self.product_by_id[i["product_id"]]["returnable"]]
        if not candidates:
            return
        created = random_time(rng, delivered_at, 20, 25 * 24)
        if created > NOW - timedelta(hours=1):
            return
        chosen = rng.sample(candidates, min(len(candidates), rng.choice([1, 1, 2])))
        chosen.sort(key=lambda i: i["line_no"])
        age = (NOW - created).days
        status = "requested" if age < 9 else "received" if age < 15 else "completed"
        kind = "exchange" if rng.random() < 0.2 else "return"
        rid = f"RT-{oid[3:]}-1"
        refund = charge = 0.0
        settlement = None
        new_variants: dict[str, str | None] = {}
        if kind == "return":
            reason = rng.choice(RETURN_REASONS)
            refund = sum(i["unit_price"] for i in chosen)
            if reason in FEE_REASONS and user["loyalty_tier"] != "gold":
                refund -= RETURN_FEE
            refund = cents(refund)
            gifts = [m for m in methods if m["method_type"] == "gift_card"]
            settlement = (gifts[0] if gifts and rng.random() < 0.2 else paid_with)[
                "payment_method_id"
            ]
            for i in chosen:
                i["status"] = "returned" if status == "completed" else "return_requested"
                new_variants[i["item_id"]] = None
        else:
            reason = rng.choice(["wrong size or fit", "not as described"])
            diff = 0.0
            for i in chosen:
                others = [
                    v
                    for v in self.variants_by_product[i["product_id"]]
                    if v["variant_id"] != i["variant_id"]
                ]
                if not others:
                    return
                new = rng.choice(others)
                new_variants[i["item_id"]] = new["variant_id"]
                diff += new["price"] - i["unit_price"]
            diff = cents(diff)
            if diff > 0:
                charge = diff
                settlement = paid_with["payment_method_id"]
                add_tx("charge", charge, created, settlement, f"exchange {rid}")
            elif diff < 0:
                refund = -diff
                settlement = paid_with["payment_method_id"]
            for i in chosen:
                i["status"] = "exchanged" if status == "completed" else "exchange_requested"
        self.return_rows.append(
            {
                "return_id": rid,
                "order_id": oid,
                "kind": kind,
                "reason": reason,
                "status": status,
                "created_at": iso(created),
                "refund_amount": refund,
                "charge_amount": charge,
                "settlement_method_id": settlement,
            }
        )
        for i in chosen:
            self.return_item_rows.append(
                {
                    "return_id": rid,
                    "item_id": i["item_id"],
                    "new_variant_id": new_variants[i["item_id"]],
                }
            )
        if status == "completed" and refund > 0:
            assert settlement is not None
            add_tx(
                "refund",
                refund,
                created + timedelta(days=rng.randint(6, 10)),
                settlement,
                f"{kind} {rid}",
            )

    # -- output -----------------------------------------------------------------------

    def run(self) -> dict[str, list[dict[str, Any]]]:
        self.catalogue()
        self.users()
        self.orders()
        return self.tables


def tables() -> dict[str, list[dict[str, Any]]]:
    """Every table's rows."""
    for code, towns in TOWNS:
        if any(prefix[0] != REGIONS[code][1] for _, prefix in towns):
            raise ValueError(f"a town of {code} has a postal prefix of another region")
    return Generator().run()
