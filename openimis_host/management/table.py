"""Plain-text tables for the CLI's listings."""


def render(header: tuple, rows: list[tuple]) -> list[str]:
    """``header`` and ``rows`` as lines of left-aligned columns two spaces apart."""
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows, strict=True)]
    return ["  ".join(str(x).ljust(w) for x, w in zip(row, widths, strict=True)).rstrip()
            for row in [header, *rows]]
