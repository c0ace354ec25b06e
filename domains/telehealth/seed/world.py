"""The telehealth clinic's world: the seed and the literal vocabulary.

States and towns, streets, names, insurance plans, drugs and their interactions, device
models, conditions, specialties and note templates, laid out by hand (``fmt: off``) so
that a reviewer reads the world at a glance. Everything here is fictional. The order of
every list is part of the seed data: the generator draws from these lists with a fixed
seed, so reordering or appending an entry changes the generated files.
"""

from __future__ import annotations

from typing import Any

Row = dict[str, Any]

SEED = 6092026

# fmt: off
STATES: dict[str, dict[str, Any]] = {
    "CO": {
        "area": ["303", "719", "970"],
        "towns": [("Pinecrest Falls", "80514"), ("Red Ledge", "81122"), ("Alder Springs", "80733")],
    },
    "AZ": {
        "area": ["480", "520", "928"],
        "towns": [("Saguaro Bend", "85231"), ("Copper Wash", "85542"), ("Mesa Verdant", "86018")],
    },
    "NM": {
        "area": ["505", "575"],
        "towns": [("Pinon Ridge", "87016"), ("Rio Seco", "88043"), ("Adobe Flats", "87724")],
    },
    "UT": {
        "area": ["801", "435"],
        "towns": [("Juniper Hollow", "84062"), ("Salt Meadow", "84315"), ("Canyon Reach", "84741")],
    },
    "OR": {
        "area": ["503", "541"],
        "towns": [("Fernwood", "97128"), ("Cedar Landing", "97426"), ("Misty Harbor", "97365")],
    },
    "WA": {
        "area": ["206", "360", "509"],
        "towns": [
            ("Orca Point", "98262"), ("Larchmont Heights", "98847"), ("Tillicum Bay", "98329"),
        ],
    },
    "MN": {
        "area": ["612", "218", "507"],
        "towns": [("Loon Lake", "56473"), ("North Pines", "55616"), ("Birchfield", "56031")],
    },
    "WI": {
        "area": ["414", "608", "715"],
        "towns": [("Cranberry Marsh", "54466"), ("Oak Prairie", "53597"), ("Dairyvale", "54729")],
    },
}

STREETS = [
    "Larkspur Lane", "Quarry Road", "Willowbrook Drive", "Hollis Avenue", "Thimbleberry Court",
    "Old Mill Road", "Marigold Street", "Sandpiper Way", "Kestrel Ridge Road", "Bramble Court",
    "Lantern Hill Drive", "Copperleaf Avenue", "Harvest Moon Lane", "Osprey Street",
    "Cottonwood Trail", "Fieldstone Place", "Granite Bluff Road", "Heron Pond Drive",
    "Silverbell Avenue", "Tamarack Street", "Windmill Road", "Aspen Glade Circle",
    "Blue Spruce Lane", "Prairie Rose Way", "Juniper Terrace", "Canal Street",
]

EMAIL_DOMAINS = ["example.com", "example.net", "example.org", "mail.example", "post.example"]

# (female first names, male first names, last names) per naming tradition.
NAME_POOLS: list[tuple[list[str], list[str], list[str]]] = [
    (["María", "Lucía", "Camila", "Ximena", "Valentina"],
     ["José", "Alejandro", "Mateo", "Rafael", "Diego"],
     ["García", "Hernández", "Castillo", "Vargas", "Navarro", "Ortega"]),
    (["Mei", "Xiaoling", "Lan", "Qing"], ["Wei", "Jian", "Hao", "Yong"],
     ["Chen", "Liu", "Zhang", "Huang", "Zhou", "Lin"]),
    (["Seo-yeon", "Hye-jin", "Soo-ah"], ["Min-jun", "Ji-hoon", "Dong-hyun"],
     ["Kim", "Park", "Choi", "Jung", "Yoon"]),
    (["Yui", "Aiko", "Sakura"], ["Haruto", "Takeshi", "Kenji"],
     ["Tanaka", "Watanabe", "Nakamura", "Kobayashi", "Sato"]),
    (["Thao", "Linh", "Ngoc"], ["Minh", "Duc", "Quang"], ["Nguyen", "Tran", "Pham", "Vu", "Dang"]),
    (["Priya", "Ananya", "Kavita", "Deepa"], ["Arjun", "Rohan", "Sanjay", "Vikram"],
     ["Patel", "Sharma", "Iyer", "Reddy", "Chatterjee", "Nair"]),
    (["Emily", "Hannah", "Megan", "Claire"], ["James", "Robert", "Thomas", "Daniel"],
     ["Whitaker", "Holloway", "Bennett", "Carver", "Sutton", "Pemberton"]),
    (["Keisha", "Tamara", "Imani"], ["Marcus", "Darnell", "Jerome"],
     ["Washington", "Booker", "Freeman", "Coleman", "Brooks"]),
    (["Adaeze", "Abena", "Folake"], ["Chinonso", "Kwame", "Oluwaseun"],
     ["Okafor", "Mensah", "Adeyemi", "Boateng", "Owusu"]),
    (["Layla", "Nadia", "Samira"], ["Yusuf", "Omar", "Karim"],
     ["Haddad", "Mansour", "Khalil", "Saleh", "Nasser"]),
    (["Katarzyna", "Olena", "Irina"], ["Dmitri", "Piotr", "Bogdan"],
     ["Novak", "Petrenko", "Horvat", "Bondarenko", "Kovalenko"]),
    (["Ingrid", "Astrid", "Sigrid"], ["Lars", "Nils", "Erik"],
     ["Lindqvist", "Halvorsen", "Bergstrom", "Dahl", "Haugen"]),
    (["Maricel", "Rowena", "Liezl"], ["Jomar", "Arnel", "Ramil"],
     ["Santos", "Dela Cruz", "Bautista", "Villanueva", "Aquino"]),
    (["Selam", "Hiwot", "Fartun"], ["Dawit", "Tesfaye", "Abdirahman"],
     ["Bekele", "Tadesse", "Warsame", "Haile", "Gebre"]),
    (["Shirin", "Elif", "Zeynep"], ["Darius", "Emre", "Kaveh"],
     ["Tehrani", "Rahimi", "Yilmaz", "Demir", "Karimi"]),
    (["Siobhan", "Aoife", "Giulia", "Eleni"], ["Ciaran", "Declan", "Matteo", "Nikos"],
     ["Brennan", "Gallagher", "Romano", "Conti", "Papadakis", "Georgiou"]),
    (["Leilani", "Malia"], ["Kalani", "Keoni"], ["Kahale", "Akana", "Kealoha"]),
]

POOL_LANGUAGE = [
    "Spanish", "Mandarin", "Korean", "Japanese", "Vietnamese", "Hindi", None, None, "Yoruba",
    "Arabic", "Ukrainian", "Norwegian", "Tagalog", "Amharic", "Farsi", "Italian", None,
]

PLANS: list[Row] = [
    {
        "plan_id": "CDM-GOLD", "carrier": "Cedarline Mutual", "name": "Cedarline Gold PPO",
        "visit_copay": 20.0, "device_coverage_pct": 80, "accepting": True,
    },
    {
        "plan_id": "CDM-BRONZE", "carrier": "Cedarline Mutual", "name": "Cedarline Bronze HMO",
        "visit_copay": 45.0, "device_coverage_pct": 50, "accepting": True,
    },
    {
        "plan_id": "NGH-PLUS", "carrier": "Northgate Health", "name": "Northgate Plus",
        "visit_copay": 25.0, "device_coverage_pct": 70, "accepting": True,
    },
    {
        "plan_id": "NGH-BASIC", "carrier": "Northgate Health", "name": "Northgate Basic",
        "visit_copay": 40.0, "device_coverage_pct": 40, "accepting": True,
    },
    {
        "plan_id": "SOL-SENIOR", "carrier": "Solara Care", "name": "Solara Senior Advantage",
        "visit_copay": 10.0, "device_coverage_pct": 90, "accepting": True,
    },
    {
        "plan_id": "BPK-SELECT", "carrier": "Bluepeak Assurance", "name": "Bluepeak Select",
        "visit_copay": 30.0, "device_coverage_pct": 60, "accepting": True,
    },
    {
        "plan_id": "BPK-CLASSIC", "carrier": "Bluepeak Assurance", "name": "Bluepeak Classic",
        "visit_copay": 35.0, "device_coverage_pct": 50, "accepting": False,
    },
    {
        "plan_id": "TRL-ESSENTIAL", "carrier": "Trillium Health Co-op",
        "name": "Trillium Essential", "visit_copay": 15.0, "device_coverage_pct": 75,
        "accepting": False,
    },
]

# drug_id, name, strength, form, class, controlled schedule, base price per unit
DRUGS: list[tuple[str, str, str, str, str, str | None, float]] = [
    ("D-LIS10", "lisinopril", "10 mg", "tablet", "ACE inhibitor", None, 0.18),
    ("D-AML05", "amlodipine", "5 mg", "tablet", "calcium channel blocker", None, 0.15),
    ("D-LOS50", "losartan", "50 mg", "tablet", "angiotensin receptor blocker", None, 0.22),
    ("D-HCT25", "hydrochlorothiazide", "25 mg", "tablet", "thiazide diuretic", None, 0.09),
    ("D-MET50", "metoprolol succinate", "50 mg", "ER tablet", "beta blocker", None, 0.31),
    ("D-FUR40", "furosemide", "40 mg", "tablet", "loop diuretic", None, 0.12),
    ("D-SPI25", "spironolactone", "25 mg", "tablet", "potassium-sparing diuretic", None, 0.27),
    ("D-ATO20", "atorvastatin", "20 mg", "tablet", "statin", None, 0.24),
    ("D-SIM40", "simvastatin", "40 mg", "tablet", "statin", None, 0.16),
    ("D-MFN500", "metformin", "500 mg", "tablet", "biguanide", None, 0.08),
    ("D-GLP05", "glipizide", "5 mg", "tablet", "sulfonylurea", None, 0.14),
    ("D-EMP10", "empagliflozin", "10 mg", "tablet", "SGLT2 inhibitor", None, 17.85),
    ("D-INSG", "insulin glargine", "100 units/mL", "pen", "long-acting insulin", None, 28.4),
    ("D-LEV75", "levothyroxine", "75 mcg", "tablet", "thyroid hormone", None, 0.21),
    ("D-WAR05", "warfarin", "5 mg", "tablet", "anticoagulant", None, 0.19),
    ("D-APX05", "apixaban", "5 mg", "tablet", "anticoagulant", None, 8.95),
    ("D-AMI200", "amiodarone", "200 mg", "tablet", "antiarrhythmic", None, 0.88),
    ("D-SER50", "sertraline", "50 mg", "tablet", "SSRI antidepressant", None, 0.17),
    ("D-ESC10", "escitalopram", "10 mg", "tablet", "SSRI antidepressant", None, 0.2),
    ("D-FLX20", "fluoxetine", "20 mg", "capsule", "SSRI antidepressant", None, 0.13),
    ("D-BUP150", "bupropion XL", "150 mg", "ER tablet", "antidepressant", None, 0.46),
    ("D-ALP05", "alprazolam", "0.5 mg", "tablet", "benzodiazepine", "IV", 0.11),
    ("D-ZOL10", "zolpidem", "10 mg", "tablet", "sedative-hypnotic", "IV", 0.26),
    ("D-MPH10", "methylphenidate", "10 mg", "tablet", "stimulant", "II", 0.58),
    ("D-TRA50", "tramadol", "50 mg", "tablet", "opioid analgesic", "IV", 0.23),
    ("D-NAP500", "naproxen", "500 mg", "tablet", "NSAID", None, 0.12),
    ("D-IBU800", "ibuprofen", "800 mg", "tablet", "NSAID", None, 0.1),
    ("D-OME20", "omeprazole", "20 mg", "capsule", "proton pump inhibitor", None, 0.14),
    ("D-ALB90", "albuterol", "90 mcg/puff", "inhaler", "bronchodilator", None, 31.2),
    ("D-FSA250", "fluticasone-salmeterol", "250/50 mcg", "inhaler", "inhaled steroid combo", None,
     96.4),
    ("D-MON10", "montelukast", "10 mg", "tablet", "leukotriene blocker", None, 0.29),
    ("D-CLA500", "clarithromycin", "500 mg", "tablet", "macrolide antibiotic", None, 1.35),
    ("D-FLU150", "fluconazole", "150 mg", "tablet", "azole antifungal", None, 1.1),
    ("D-DOX100", "doxycycline", "100 mg", "capsule", "tetracycline antibiotic", None, 0.62),
    ("D-TRE05", "tretinoin", "0.05%", "cream", "topical retinoid", None, 42.75),
    ("D-ALO100", "allopurinol", "100 mg", "tablet", "xanthine oxidase inhibitor", None, 0.11),
]

INTERACTIONS: list[tuple[str, str, str, str]] = [
    ("warfarin", "fluconazole", "severe", "sharply raises warfarin levels; high bleeding risk"),
    ("warfarin", "naproxen", "severe", "additive bleeding risk"),
    ("warfarin", "ibuprofen", "severe", "additive bleeding risk"),
    ("apixaban", "naproxen", "severe", "additive bleeding risk"),
    ("apixaban", "ibuprofen", "severe", "additive bleeding risk"),
    ("simvastatin", "clarithromycin", "severe", "raises statin levels; muscle injury risk"),
    ("simvastatin", "amiodarone", "severe", "raises statin levels; muscle injury risk"),
    ("sertraline", "tramadol", "severe", "serotonin toxicity and seizure risk"),
    ("fluoxetine", "tramadol", "severe", "serotonin toxicity and seizure risk"),
    ("escitalopram", "tramadol", "severe", "serotonin toxicity and seizure risk"),
    ("alprazolam", "tramadol", "severe", "deep sedation and slowed breathing"),
    ("warfarin", "amiodarone", "moderate", "raises warfarin effect; closer INR checks"),
    ("warfarin", "sertraline", "moderate", "slightly higher bleeding tendency"),
    ("lisinopril", "spironolactone", "moderate", "can raise potassium"),
    ("losartan", "spironolactone", "moderate", "can raise potassium"),
    ("lisinopril", "ibuprofen", "moderate", "weakens blood-pressure effect; kidney strain"),
    ("lisinopril", "naproxen", "moderate", "weakens blood-pressure effect; kidney strain"),
    ("amlodipine", "simvastatin", "moderate", "raises statin levels"),
    ("metoprolol succinate", "amiodarone", "moderate", "slows heart rate further"),
    ("glipizide", "fluconazole", "moderate", "can lower blood sugar further"),
    ("escitalopram", "bupropion XL", "moderate", "raises escitalopram levels"),
    ("methylphenidate", "bupropion XL", "moderate", "lowers seizure threshold"),
    ("alprazolam", "zolpidem", "moderate", "additive drowsiness"),
    ("clarithromycin", "atorvastatin", "moderate", "raises statin levels"),
    ("levothyroxine", "omeprazole", "minor", "may reduce levothyroxine absorption"),
    ("metformin", "hydrochlorothiazide", "minor", "may raise blood sugar slightly"),
    ("doxycycline", "omeprazole", "minor", "may reduce doxycycline absorption"),
    ("furosemide", "ibuprofen", "minor", "may blunt the diuretic effect"),
]

DEVICE_MODELS: list[Row] = [
    {
        "model_id": "BP-210", "name": "CuffSense BP-210 upper-arm cuff",
        "kind": "blood_pressure_cuff", "list_price": 64.99,
    },
    {
        "model_id": "BP-340", "name": "CuffSense BP-340 XL cuff (large arm)",
        "kind": "blood_pressure_cuff", "list_price": 89.5,
    },
    {
        "model_id": "GL-G2", "name": "GlucoBeacon G2 meter", "kind": "glucose_meter",
        "list_price": 49.95,
    },
    {
        "model_id": "GL-G4", "name": "GlucoBeacon G4 Connect meter", "kind": "glucose_meter",
        "list_price": 119.0,
    },
    {
        "model_id": "OX-P1", "name": "OxiLink P1 fingertip oximeter", "kind": "pulse_oximeter",
        "list_price": 39.99,
    },
    {
        "model_id": "SC-W5", "name": "SteadyScale W5 connected scale", "kind": "weight_scale",
        "list_price": 74.25,
    },
]

# condition -> (programme device kind or None, candidate drugs, specialty)
CONDITIONS: dict[str, tuple[str | None, list[str], str]] = {
    "Essential hypertension": ("blood_pressure_cuff",
                               ["lisinopril", "amlodipine", "losartan", "hydrochlorothiazide"],
                               "cardiology"),
    "Type 2 diabetes mellitus": ("glucose_meter",
                                 ["metformin", "glipizide", "empagliflozin", "insulin glargine"],
                                 "endocrinology"),
    "Chronic obstructive pulmonary disease": ("pulse_oximeter",
                                              ["albuterol", "fluticasone-salmeterol"],
                                              "pulmonology"),
    "Moderate persistent asthma": ("pulse_oximeter", ["albuterol", "montelukast"], "pulmonology"),
    "Heart failure with reduced ejection fraction": (
        "weight_scale", ["furosemide", "metoprolol succinate", "spironolactone"], "cardiology",
    ),
    "Hyperlipidemia": (None, ["atorvastatin", "simvastatin"], "internal medicine"),
    "Hypothyroidism": (None, ["levothyroxine"], "endocrinology"),
    "Major depressive disorder": (None,
                                  ["sertraline", "escitalopram", "fluoxetine", "bupropion XL"],
                                  "psychiatry"),
    "Generalized anxiety disorder": (None, ["escitalopram", "alprazolam"], "psychiatry"),
    "Atrial fibrillation": (None, ["warfarin", "apixaban", "amiodarone"], "cardiology"),
    "Chronic insomnia": (None, ["zolpidem"], "psychiatry"),
    "Adult ADHD": (None, ["methylphenidate"], "psychiatry"),
    "Chronic low back pain": (None, ["tramadol", "naproxen"], "family medicine"),
    "Gastroesophageal reflux disease": (None, ["omeprazole"], "family medicine"),
    "Acne vulgaris": (None, ["doxycycline", "tretinoin"], "dermatology"),
    "Gout": (None, ["allopurinol"], "internal medicine"),
}

CONDITION_WEIGHTS: list[tuple[str, float]] = [
    ("Essential hypertension", 0.45), ("Type 2 diabetes mellitus", 0.3),
    ("Chronic obstructive pulmonary disease", 0.08), ("Moderate persistent asthma", 0.08),
    ("Heart failure with reduced ejection fraction", 0.07), ("Hyperlipidemia", 0.33),
    ("Hypothyroidism", 0.12), ("Major depressive disorder", 0.15),
    ("Generalized anxiety disorder", 0.1), ("Atrial fibrillation", 0.07),
    ("Chronic insomnia", 0.05), ("Adult ADHD", 0.04), ("Chronic low back pain", 0.08),
    ("Gastroesophageal reflux disease", 0.12), ("Acne vulgaris", 0.05), ("Gout", 0.04),
]

ALLERGIES = [
    "Penicillin: hives", "Sulfonamide antibiotics: rash", "Latex: contact dermatitis",
    "Shellfish: throat swelling", "Peanuts: anaphylaxis", "Codeine: severe nausea",
    "Iodinated contrast: hives", "Amoxicillin: rash", "Bee stings: swelling", "Eggs: hives",
]

DIRECTIONS = {
    "tablet": [
        "Take 1 tablet by mouth once daily", "Take 1 tablet by mouth twice daily",
        "Take 1 tablet by mouth at bedtime",
    ],
    "ER tablet": ["Take 1 tablet by mouth once daily; do not crush"],
    "capsule": ["Take 1 capsule by mouth once daily", "Take 1 capsule by mouth twice daily"],
    "pen": ["Inject 20 units under the skin at bedtime"],
    "inhaler": ["Inhale 2 puffs every 4-6 hours as needed", "Inhale 1 puff twice daily"],
    "cream": ["Apply a thin layer to affected skin at bedtime"],
}

SPECIALTIES: list[tuple[str, int, tuple[int, int]]] = [
    ("family medicine", 7, (85, 120)), ("internal medicine", 3, (95, 130)),
    ("cardiology", 3, (165, 240)), ("endocrinology", 3, (150, 210)), ("psychiatry", 3, (170, 230)),
    ("dermatology", 2, (120, 160)), ("pulmonology", 3, (150, 200)),
]

NOTE_TEMPLATES = {
    "family medicine": [
        "Video visit: reviewed {c}; medication list reconciled.",
        "Phone follow-up on {c}; no change to plan.",
    ],
    "internal medicine": [
        "Video visit for {c}; labs ordered at partner lab.",
        "Follow-up on {c}; continue current regimen.",
    ],
    "cardiology": [
        "Cardiology video follow-up: home BP log reviewed for {c}.",
        "Remote monitoring review for {c}; dose unchanged.",
    ],
    "endocrinology": [
        "Endocrinology follow-up: glucose uploads reviewed for {c}.",
        "Video visit for {c}; A1c discussed, plan unchanged.",
    ],
    "psychiatry": [
        "Psychiatry video session for {c}; follow-up in 6 weeks.",
        "Medication management visit for {c}.",
    ],
    "dermatology": [
        "Teledermatology photo review for {c}.", "Video follow-up for {c}; topical plan continued.",
    ],
    "pulmonology": [
        "Pulmonology video visit: oximeter uploads reviewed for {c}.",
        "Inhaler technique reviewed for {c}.",
    ],
}

DOCUMENTS = [
    "Insurance card (front and back)", "Outside lab results", "Home BP log (paper)",
    "Photo of skin rash", "Hospital discharge summary", "Vaccination record", "Photo ID",
    "Specialist referral letter", "Pharmacy receipt", "Glucose diary",
]
# fmt: on
