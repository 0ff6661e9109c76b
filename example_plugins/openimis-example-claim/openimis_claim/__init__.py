"""Example openIMIS module: claims. Comes after 'insuree', whose models it uses."""
