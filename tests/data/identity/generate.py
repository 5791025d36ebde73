#!/usr/bin/env python3
"""Labelled evaluation set for identity matching (tests/identity/evaluation_test.cc).

Writes customers.jsonl (CRM records as crm sync stores them) and
profiles.jsonl (social profiles as ingest stores them, each with "truth":
the CRM records it belongs to, [] for people who are not in the CRM, and
"case": how it was made). Deterministic for a seed:

  tests/data/identity/generate.py --seed 2 --out tests/data/identity      # the checked-in test set
  tests/data/identity/generate.py --seed 1 --out /tmp/identity-dev       # the set weights were tuned on

French and English people; profiles with accents dropped, nicknames,
initials, married names, typos, names in "FAMILY Given" order, handle styles
(jdupont, jean_dupont, dupontj, jean.dupont, unrelated handles), people with
the same name at another company (in the CRM and outside it), shared and
role e-mail addresses, opted-out addresses, LinkedIn exports with and
without e-mails, company pages of accounts, converted leads that duplicate a
contact.
"""
import argparse
import json
import os
import random
import unicodedata

FR_M = ["Jean", "Pierre", "Michel", "André", "Philippe", "René", "Louis", "Alain", "Jacques",
        "Bernard", "Marcel", "Daniel", "Roger", "Robert", "Paul", "Claude", "Christian", "Henri",
        "Georges", "Nicolas", "François", "Patrick", "Gérard", "Christophe", "Joseph", "Julien",
        "Frédéric", "Stéphane", "Sébastien", "Thierry", "Laurent", "Olivier", "Éric", "Mathieu",
        "Guillaume", "Antoine", "Thomas", "Maxime", "Cédric", "Jérôme", "Hugo", "Loïc", "Benoît",
        "Jean-Pierre", "Jean-Marc", "Jean-Luc", "Emmanuel", "Alexandre", "Gaël", "Yannick"]
FR_F = ["Marie", "Jeanne", "Françoise", "Monique", "Catherine", "Nathalie", "Isabelle", "Sylvie",
        "Anne", "Martine", "Nicole", "Christine", "Valérie", "Sandrine", "Sophie", "Céline",
        "Véronique", "Chantal", "Stéphanie", "Hélène", "Élodie", "Aurélie", "Émilie", "Camille",
        "Julie", "Léa", "Chloé", "Manon", "Inès", "Mélanie", "Caroline", "Dominique", "Agnès",
        "Marie-Claire", "Anne-Sophie", "Marie-Hélène", "Béatrice", "Florence", "Laëtitia", "Zoé"]
EN_M = ["James", "John", "Robert", "Michael", "William", "David", "Richard", "Thomas",
        "Christopher", "Daniel", "Matthew", "Anthony", "Andrew", "Joseph", "Steven", "Edward",
        "Timothy", "Benjamin", "Samuel", "Peter", "Oliver", "Harry", "George", "Jack", "Nicholas",
        "Gregory", "Kenneth", "Charles", "Alexander", "Patrick"]
EN_F = ["Mary", "Patricia", "Jennifer", "Elizabeth", "Susan", "Jessica", "Sarah", "Karen",
        "Margaret", "Emily", "Rebecca", "Katherine", "Victoria", "Abigail", "Amanda", "Deborah",
        "Olivia", "Charlotte", "Amelia", "Sophie", "Emma", "Hannah", "Lucy", "Grace", "Eleanor"]
# Share of people with one of the commonest family names below. The top 30
# French names cover about 4% of France (INSEE); 12% keeps the set harder
# than life: many namesakes inside and outside the CRM.
COMMON_SHARE = 0.12
FR_LAST_COMMON = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand",
                  "Leroy", "Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David",
                  "Bertrand", "Roux", "Vincent", "Fournier", "Morel", "Girard", "André", "Lefebvre",
                  "Mercier", "Dupont", "Lambert", "Bonnet", "François", "Martinez"]
FR_LAST_RARE = ["Châtelain", "Delacroix", "Peyrafitte", "Quéméner", "Le Gall", "Le Goff",
                "de La Fontaine", "du Bellay", "de Villiers", "Vasseur", "Brossard", "Tessier",
                "Lemaître", "Guégan", "Kerbrat", "Abgrall", "Courtois", "Pasquier", "Rousseau",
                "Marchand", "Barbier", "Hamon", "Poulain", "Rocher", "Boulanger", "Charpentier",
                "Carré", "Lebrun", "Joly", "Gauthier", "Perrin", "Clément", "Aubert", "Royer",
                "Baudry", "Chevalier", "Faure", "Renaud", "Picard", "Collet", "Prévost", "Lacroix",
                "Van der Berg", "Martin-Dubois", "Saint-Clair", "Da Silva", "Ferreira", "Nguyen",
                "Benali", "Haddad", "Mansouri", "Lemoine", "Masson", "Huet", "Millet", "Bailly",
                "Hervé", "Laine", "Besnard", "Cordier", "Gillet", "Maillard", "Jacquet", "Colas"]
EN_LAST_COMMON = ["Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson",
                  "Thomas", "Johnson", "Roberts", "Robinson", "Thompson", "Wright", "Walker"]
EN_LAST_RARE = ["Ashworth", "Blackwood", "Cartwright", "Donnelly", "Fairbairn", "Gallagher",
                "Hargreaves", "Illingworth", "Kavanagh", "Longbottom", "McAllister", "O'Brien",
                "Pemberton", "Quigley", "Rutherford", "Sutcliffe", "Thistlewood", "Underwood",
                "Whitfield", "Yardley", "Ainsworth", "Bramley", "Crowther", "Dunmore", "Ellwood",
                "Fenwick", "Greenhalgh", "Holloway", "Jessop", "Kingsley", "Lockwood", "Marsden"]
NICK = {"Robert": ["Bob", "Rob"], "William": ["Bill", "Will"], "James": ["Jim", "Jimmy"],
        "Michael": ["Mike"], "David": ["Dave"], "Richard": ["Rick", "Rich"], "Thomas": ["Tom"],
        "Christopher": ["Chris"], "Daniel": ["Dan"], "Matthew": ["Matt"], "Anthony": ["Tony"],
        "Andrew": ["Andy"], "Joseph": ["Joe"], "Steven": ["Steve"], "Edward": ["Ed", "Ted"],
        "Timothy": ["Tim"], "Benjamin": ["Ben"], "Samuel": ["Sam"], "Peter": ["Pete"],
        "Nicholas": ["Nick"], "Gregory": ["Greg"], "Kenneth": ["Ken"], "Charles": ["Charlie"],
        "Alexander": ["Alex"], "Patricia": ["Pat"], "Jennifer": ["Jen", "Jenny"],
        "Elizabeth": ["Liz", "Beth"], "Susan": ["Sue"], "Margaret": ["Maggie"],
        "Rebecca": ["Becky"], "Katherine": ["Kate", "Katie"], "Victoria": ["Vicky"],
        "Abigail": ["Abby"], "Deborah": ["Debbie"], "Jessica": ["Jess"], "Jean": ["Jeannot"],
        "Sébastien": ["Seb"], "Nicolas": ["Nico"], "Emmanuel": ["Manu"], "Stéphane": ["Steph"],
        "Frédéric": ["Fred"], "Alexandre": ["Alex"], "Isabelle": ["Isa"], "Caroline": ["Caro"],
        "Dominique": ["Dom"], "Valérie": ["Val"], "Véronique": ["Vero"], "Maxime": ["Max"],
        "Pierre": ["Pierrot"], "Nathalie": ["Nath"], "Catherine": ["Cathy"]}
WORDS = ["Acme", "Globex", "Initech", "Umbrella", "Soylent", "Hooli", "Vandelay", "Stark",
         "Wayne", "Tyrell", "Cyberdyne", "Aperture", "Massive", "Pied Piper", "Wonka", "Gringotts",
         "Oceanic", "Monarch", "Nakatomi", "Virtucon", "Atlas", "Boreal", "Cobalt", "Dauphin",
         "Étoile", "Falaise", "Granit", "Horizon", "Iris", "Jasmin", "Kermor", "Lumière", "Mistral",
         "Nacre", "Orée", "Pivoine", "Quartz", "Rivage", "Saphir", "Tilleul", "Ursa", "Vermeil",
         "Zéphyr", "Albion", "Bramble", "Crown", "Dover", "Evergreen", "Foxglove", "Harbour",
         "Kestrel", "Lantern", "Meadow", "Northgate", "Oakridge", "Pennant", "Riverside", "Thames"]
KINDS = ["Industries", "Conseil", "Solutions", "Logistique", "Technologies", "Systems", "Partners",
         "Distribution", "Services", "Labs", "Holdings", "Consulting", "Énergie", "Bâtiment", ""]
LEGAL_FR = ["SAS", "SARL", "SA", "S.A.S.", "EURL", ""]
LEGAL_EN = ["Ltd", "Limited", "Inc.", "LLC", "plc", ""]
FR_CITIES = ["Paris", "Lyon", "Marseille", "Toulouse", "Nice", "Nantes", "Strasbourg", "Montpellier",
             "Bordeaux", "Lille", "Rennes", "Reims", "Saint-Étienne", "Le Havre", "Grenoble",
             "Dijon", "Angers", "Nîmes", "Brest", "Quimper", "Besançon", "Orléans"]
EN_CITIES = ["London", "Manchester", "Birmingham", "Leeds", "Glasgow", "Bristol", "Liverpool",
             "Sheffield", "Edinburgh", "Cardiff", "Oxford", "Cambridge", "Brighton", "York"]
FREE = ["gmail.com", "yahoo.fr", "hotmail.fr", "orange.fr", "free.fr", "laposte.net", "outlook.com",
        "gmx.fr", "hotmail.co.uk", "btinternet.com", "icloud.com"]
POSITIONS_FR = ["Directeur commercial", "Responsable achats", "Chef de projet", "DSI",
                "Directrice marketing", "Ingénieure commerciale", "Acheteur", "Gérant"]
POSITIONS_EN = ["Sales Director", "Head of Procurement", "Project Manager", "CTO",
                "Marketing Manager", "Account Executive", "Buyer", "Managing Director"]
INSTANCES = ["mastodon.social", "piaille.fr", "framapiaf.org", "mastodon.online", "mamot.fr"]
UNRELATED = ["coffeelover", "lesvoyages", "runner", "photo_", "dataguy", "velo", "jardin", "cats_",
             "techie", "bookworm", "chef", "surfer", "lemon", "pixel", "nomad", "guitar"]


def strip_accents(s):
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


def slug(s, sep=""):
    s = strip_accents(s).lower()
    out = []
    for ch in s:
        out.append(ch if ch.isalnum() else " ")
    return sep.join("".join(out).split())


class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)
        self.n = 0
        self.customers = []
        self.profiles = []
        self.taken = set()  # handles and e-mail addresses are unique, as on the platforms

    def unique(self, value, sep=""):
        """value, or value with a number when someone already has it."""
        base, n = value, 1
        while value in self.taken:
            n += 1
            if "@" in base:
                local, dom = base.split("@", 1)
                value = "%s%d@%s" % (local, n, dom)
            else:
                value = "%s%s%d" % (base, sep, n)
        self.taken.add(value)
        return value

    def uid(self):
        self.n += 1
        h = "%032x" % self.r.getrandbits(128)
        return "%s-%s-%s-%s-%s" % (h[:8], h[8:12], h[12:16], h[16:20], h[20:])

    def person(self):
        r = self.r
        french = r.random() < 0.6
        female = r.random() < 0.5
        if french:
            first = r.choice(FR_F if female else FR_M)
            last = r.choice(FR_LAST_COMMON if r.random() < COMMON_SHARE else FR_LAST_RARE)
        else:
            first = r.choice(EN_F if female else EN_M)
            last = r.choice(EN_LAST_COMMON if r.random() < COMMON_SHARE else EN_LAST_RARE)
        return {"first": first, "last": last, "female": female, "french": french}

    def company(self, french):
        r = self.r
        name = r.choice(WORDS)
        kind = r.choice(KINDS)
        if kind:
            name += " " + kind
        dom = slug(name, "-" if r.random() < 0.3 else "") + (".fr" if french else r.choice([".com", ".co.uk"]))
        legal = r.choice(LEGAL_FR if french else LEGAL_EN)
        return {"name": name, "legal": legal, "domain": dom, "french": french,
                "city": r.choice(FR_CITIES if french else EN_CITIES)}

    def customer(self, module, p=None, co=None, **kw):
        c = {"module": module, "crm_id": self.uid(), "first_name": "", "last_name": "", "name": "",
             "company": "", "city": "", "country": "", "website": "", "website_domain": "",
             "twitter": "", "facebook": "", "emails": []}
        c.update(kw)
        self.customers.append(c)
        return c

    # --- profiles -------------------------------------------------------
    def name_variant(self, p, married=None):
        r = self.r
        first, last = p["first"], p["last"]
        x = r.random()
        case = "exact"
        if married:
            last, case = married, "married_name"
        elif x < 0.15:
            first, last, case = strip_accents(first), strip_accents(last), "accents_dropped"
        elif x < 0.25 and first in NICK:
            first, case = r.choice(NICK[first]), "nickname"
        elif x < 0.32:
            first, case = first[0] + ".", "initial"
        elif x < 0.38:
            return "%s %s" % (last.upper(), first), "family_first"
        elif x < 0.43 and len(slug(last)) >= 5:
            s = list(last)
            i = r.randrange(1, len(s) - 1)
            if r.random() < 0.5:
                s[i] = r.choice("aeioulnrst")
            else:
                del s[i]
            last, case = "".join(s), "typo"
        elif x < 0.47:
            first, last, case = first.lower(), last.lower(), "lower_case"
        return "%s %s" % (first, last), case

    def handle(self, p):
        r = self.r
        f, l = slug(p["first"]), slug(p["last"])
        style = r.choice(["jdupont", "jean_dupont", "dupontj", "jeandupont", "jean.dupont", "unrelated"])
        h = {"jdupont": f[0] + l, "jean_dupont": f + "_" + l, "dupontj": l + f[0],
             "jeandupont": f + l, "jean.dupont": f + "." + l,
             "unrelated": r.choice(UNRELATED) + str(r.randrange(10, 99))}[style]
        if style != "unrelated" and r.random() < 0.2:
            h += str(r.randrange(1, 99))
        return self.unique(h), style

    def profile(self, platform, truth, case, **kw):
        pr = {"platform": platform, "external_id": "", "handle": "", "display_name": "", "url": "",
              "bio": "", "websites": [], "emails": [], "company": "", "position": "", "location": "",
              "truth": truth, "case": case}
        pr.update(kw)
        if not pr["external_id"]:
            pr["external_id"] = pr["url"] or "%s:%d" % (platform, len(self.profiles))
        self.profiles.append(pr)
        return pr

    def person_profiles(self, p, c, co, truth, namesake=False):
        """One or two profiles of person p (CRM record c, None for an outsider)."""
        r = self.r
        married = None
        if p["female"] and r.random() < 0.06:
            married = r.choice(FR_LAST_RARE if p["french"] else EN_LAST_RARE)
        n_profiles = 1 if r.random() < 0.6 else 2
        platforms = r.sample(["linkedin", "linkedin", "twitter", "mastodon", "facebook"], n_profiles)
        for platform in platforms:
            display, ncase = self.name_variant(p, married)
            label = ("namesake_" if namesake else "") + platform + ":" + ncase
            loc = ""
            if r.random() < 0.6:
                city = co["city"] if co and r.random() < 0.8 else r.choice(FR_CITIES + EN_CITIES)
                loc = city + (", France" if city in FR_CITIES else ", United Kingdom") if r.random() < 0.7 else city
            crm_email = c["emails"][0]["address"] if c and c["emails"] else ""
            if platform == "linkedin":
                company = ""
                if co:
                    y = r.random()
                    if y < 0.75:
                        company = co["name"] + ((" " + r.choice(LEGAL_FR if co["french"] else LEGAL_EN)) if r.random() < 0.4 else "")
                    elif y < 0.85:
                        company = self.company(p["french"])["name"]  # changed jobs
                        label += "+new_job"
                emails = []
                y = r.random()
                if crm_email and y < 0.45:
                    emails = [crm_email]
                    label += "+email"
                elif y < 0.6:
                    emails = [self.unique("%s.%s@%s" % (slug(p["first"]), slug(p["last"]), r.choice(FREE)))]
                slugname = slug(display, "-") + "-" + "%x" % r.getrandbits(20)
                pos = r.choice(POSITIONS_FR if p["french"] else POSITIONS_EN)
                self.profile("linkedin", truth, label, display_name=display,
                             url="https://www.linkedin.com/in/" + slugname, company=company,
                             position=pos if company else pos + (" at " + co["name"] if co and r.random() < 0.5 else ""),
                             location=loc, emails=emails)
            else:
                recorded = c and c.get("twitter") and platform == "twitter"
                if recorded:
                    h, hstyle = c["twitter"].lstrip("@"), "crm"
                else:
                    h, hstyle = self.handle(p)
                label += "+handle_" + hstyle
                if platform == "facebook":
                    h = self.unique(h.replace("_", "."))
                bio = ""
                websites = []
                if co and r.random() < 0.3:
                    bio = r.choice(["%s chez %s", "%s at %s", "%s @%s"]) % (
                        r.choice(POSITIONS_FR if p["french"] else POSITIONS_EN), co["name"])
                if co and r.random() < 0.15:
                    websites = ["https://www." + co["domain"]]
                if crm_email and r.random() < 0.12:
                    bio += " Contact: " + crm_email
                    label += "+bio_email"
                if r.random() < 0.1:
                    display = h  # the display name is the handle
                    label += "+no_name"
                if platform == "mastodon":
                    inst = r.choice(INSTANCES)
                    self.profile("mastodon", truth, label, handle="@%s@%s" % (h, inst),
                                 display_name=display, url="https://%s/@%s" % (inst, h), bio=bio,
                                 websites=websites, location=loc)
                elif platform == "twitter":
                    self.profile("twitter", truth, label, handle=h, display_name=display,
                                 url="https://twitter.com/" + h, bio=bio, websites=websites, location=loc)
                else:
                    self.profile("facebook", truth, label, handle=h, display_name=display,
                                 url="https://www.facebook.com/" + h, bio=bio, location=loc)

    def run(self, n_accounts, n_contacts, n_leads, n_outsiders):
        r = self.r
        companies = []
        for _ in range(n_accounts):
            co = self.company(r.random() < 0.6)
            companies.append(co)
            emails = []
            if r.random() < 0.5:
                emails = [{"address": r.choice(["contact", "info", "accueil", "hello"]) + "@" + co["domain"],
                           "primary": True, "opt_out": False}]
            a = self.customer("Accounts", name=(co["name"] + " " + co["legal"]).strip(),
                              company=(co["name"] + " " + co["legal"]).strip(),
                              city=co["city"], country="France" if co["french"] else "United Kingdom",
                              website="https://www." + co["domain"] if r.random() < 0.85 else "",
                              emails=emails)
            a["website_domain"] = co["domain"] if a["website"] else ""
            co["account"] = a
            if r.random() < 0.5:  # the company's own page
                self.profile("linkedin", ["Accounts/" + a["crm_id"]], "company_page",
                             display_name=co["name"] if r.random() < 0.7 else a["name"],
                             url="https://www.linkedin.com/company/" + slug(co["name"], "-"),
                             websites=["https://" + co["domain"]] if r.random() < 0.7 else [],
                             location=co["city"])
        shared_boxes = {}
        people = []
        def add_person(module, p, co):
            r = self.r
            emails = []
            y = r.random()
            f, l = slug(p["first"]), slug(p["last"])
            if co and y < 0.7:
                local = r.choice(["%s.%s" % (f, l), f[0] + l, f, "%s-%s" % (f, l)])
                emails.append({"address": self.unique(local + "@" + co["domain"]), "primary": True, "opt_out": False})
            elif y < 0.85:
                emails.append({"address": self.unique("%s.%s%s@%s" % (f, l, r.choice(["", "", "75", "1"]), r.choice(FREE))),
                               "primary": True, "opt_out": False})
            if co and r.random() < 0.04:  # a mailbox shared by a small team
                box = shared_boxes.setdefault(co["domain"], "commercial@" + co["domain"])
                emails.append({"address": box, "primary": not emails, "opt_out": False})
            if emails and r.random() < 0.05:
                emails[0]["opt_out"] = True
            c = self.customer(module, first_name=p["first"], last_name=p["last"],
                              name=p["first"] + " " + p["last"],
                              company=(co["name"] + " " + co["legal"]).strip() if co else "",
                              city=(co["city"] if co else "") if r.random() < 0.8 else "",
                              country=("France" if p["french"] else "United Kingdom") if r.random() < 0.7 else "",
                              emails=emails)
            if r.random() < 0.08:
                c["twitter"] = ("@" if r.random() < 0.5 else "") + self.unique(self.handle(p)[0].replace(".", "_"))
            if module == "Leads" and co and r.random() < 0.5:
                c["website"] = "www." + co["domain"]
                c["website_domain"] = co["domain"]
            return c
        for i in range(n_contacts + n_leads):
            module = "Contacts" if i < n_contacts else "Leads"
            p = self.person()
            co = r.choice(companies) if (module == "Contacts" or r.random() < 0.7) else None
            if co is None:
                co = self.company(p["french"])
            c = add_person(module, p, co)
            truth = [module + "/" + c["crm_id"]]
            if module == "Contacts" and r.random() < 0.03:  # a converted lead still in the CRM
                d = add_person("Leads", p, co)
                d["emails"] = [dict(e) for e in c["emails"]]  # conversion keeps the addresses
                truth.append("Leads/" + d["crm_id"])
            if r.random() < 0.06:  # the same name at another company, also in the CRM
                add_person(module, dict(p), self.company(p["french"]))
            people.append((p, c, co, truth))
        for p, c, co, truth in people:
            if r.random() < 0.8:
                self.person_profiles(p, c, co, truth)
            if r.random() < 0.08:  # a namesake who is not in the CRM
                self.person_profiles(dict(p, female=False), None, self.company(p["french"]), [],
                                     namesake=True)
        for _ in range(n_outsiders):  # people the CRM does not know
            p = self.person()
            self.person_profiles(p, None, self.company(p["french"]) if r.random() < 0.7 else None, [])
        for co in companies[:len(companies) // 4]:  # a partner's page quoting the account's role address
            self.profile("web", [], "role_address_elsewhere", display_name="Blog " + r.choice(WORDS),
                         url="https://blog%d.example.org/about" % len(self.profiles),
                         bio="Questions? contact@%s or info@%s" % (co["domain"], co["domain"]))
        r.shuffle(self.profiles)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=2)
    ap.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
    ap.add_argument("--accounts", type=int, default=150)
    ap.add_argument("--contacts", type=int, default=900)
    ap.add_argument("--leads", type=int, default=350)
    ap.add_argument("--outsiders", type=int, default=600)
    a = ap.parse_args()
    g = Gen(a.seed)
    g.run(a.accounts, a.contacts, a.leads, a.outsiders)
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "customers.jsonl"), "w", encoding="utf-8") as f:
        for c in g.customers:
            f.write(json.dumps(c, ensure_ascii=False, sort_keys=True) + "\n")
    with open(os.path.join(a.out, "profiles.jsonl"), "w", encoding="utf-8") as f:
        for p in g.profiles:
            f.write(json.dumps(p, ensure_ascii=False, sort_keys=True) + "\n")
    print("%d customers, %d profiles (%d of CRM people)" % (
        len(g.customers), len(g.profiles), sum(1 for p in g.profiles if p["truth"])))


if __name__ == "__main__":
    main()
