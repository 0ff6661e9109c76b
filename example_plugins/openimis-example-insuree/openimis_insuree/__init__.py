"""Example openIMIS module: insurees."""
