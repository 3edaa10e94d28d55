"""The page and typographic design as typed data (read from layouts/*.yaml by :mod:`.load`).

All lengths are in PostScript points. The grid is derived, never stored: ``cell`` is the character
pitch (block width / characters per line) and ``pitch`` the line pitch (block height / lines).
"""

from __future__ import annotations

from dataclasses import dataclass

CMYK = tuple[float, float, float, float]  # 0..1 each

TOC_HEADING = "目录"  # the contents heading (drawn letter-spaced: 目 录)
HEADING_STYLES = {1: "heading1", 2: "heading2", 3: "heading3", 4: "heading4"}  # heading level → style


@dataclass(frozen=True)
class TextStyle:
    """How one kind of text is set: font role, size, colour, indents and spacing."""

    role: str  # font role, see fonts/fonts.yaml
    size: float
    colour: CMYK = (0.0, 0.0, 0.0, 1.0)
    indent: float = 0.0  # first-line indent, in cells
    space_before: int = 0  # grid lines
    space_after: int = 0
    line_pitch: float = 1.0  # in grid lines, for multi-line centred blocks
    tracking: float = 0.0  # extra space between characters, in units of the size
    baseline: float = 0.0  # masthead only: baseline offset from the masthead top
    line_gap: float = 0.0  # masthead units: distance between stacked unit lines
    marker: str = ""  # contents entries: the mark before each entry
    hang: float = 0.0  # contents entries: hanging indent, in cells
    bold: bool = False  # bold look: the role's bold face, or synthetic bold where it has none


@dataclass(frozen=True)
class Rule:
    """A horizontal rule: colour, weight, and (the masthead's) distance below the last line above it."""

    colour: CMYK
    weight: float
    below_last_line: float = 0.0


@dataclass(frozen=True)
class Page:
    """The page and its text block (GB/T 9704: A4, 156 × 225 mm, 28 × 22)."""

    width: float
    height: float
    margin_top: float
    margin_left: float
    block_width: float
    block_height: float
    chars_per_line: int
    lines_per_page: int
    # printed on both sides: the closing block (版记) sits at the foot of an even page (GB/T 9704 §7.4)
    duplex: bool = True

    @property
    def cell(self) -> float:
        return self.block_width / self.chars_per_line

    @property
    def pitch(self) -> float:
        return self.block_height / self.lines_per_page

    @property
    def block_top(self) -> float:
        """y of the block's top edge (PDF coordinates, origin bottom-left)."""
        return self.height - self.margin_top

    @property
    def block_bottom(self) -> float:
        return self.block_top - self.block_height


@dataclass(frozen=True)
class Masthead:
    """The masthead (版头): its height in lines, the styles of its parts, the red rule."""

    lines: int
    title: TextStyle
    edition: TextStyle
    number: TextStyle
    units: TextStyle
    office: TextStyle
    date: TextStyle
    rule: Rule


@dataclass(frozen=True)
class ClosingDesign:
    """The closing block's (版记) style, rules, insets and columns."""

    style: TextStyle
    inset: float  # cells of its own size
    line_pitch: float
    padding: float
    rule_thick: float
    rule_thin: float
    contact_columns: int
    column_split: float
    signoff_gap: float  # cells


@dataclass(frozen=True)
class PageNumber:
    """The page number: style, format (— 1 —), place below the block and inset."""

    style: TextStyle
    format: str
    below_block: float
    inset: float  # cells of its own size


@dataclass(frozen=True)
class TitleCosts:
    """Weights of the title breaker's cost function (compose/titles.py), for centred lines: titles,
    subtitles, bylines, datelines (GB/T 9704 §7.3.1: 词意完整，排列对称，长短适宜，梯形或菱形).
    The candidate breaks with the smallest sum win. Per break: ``inside_word`` (cuts a dictionary
    word), ``number_unit`` (2020|年, 第|3), ``short_quote`` (inside “亩均效益”), and the break's own
    price — ``after_pause`` after one of ``pauses`` (、，：；), ``before_connective`` before one of
    ``connectives`` (暨, 在, 关于, ——, （), ``particle`` before one of ``particles`` (的, 之, 地, 得,
    了, 着, 过: they bind to the word before; a line that starts with 的 reads as a fragment), ``plain``
    elsewhere. Per line: ``short_line`` (one or
    two characters), ``shape`` (longer than the line above, in a title that is not a diamond),
    ``extra_line`` (beyond the fewest lines the title fits in). Once: ``diamond`` (short–long–short
    instead of a trapezoid, three lines or more), and ``balance`` per cell² of the variance of the
    lines' widths. ``quote_chars``: the longest quotation kept on one line."""

    inside_word: float = 1000.0
    number_unit: float = 1000.0
    short_quote: float = 500.0
    short_line: float = 2000.0
    shape: float = 300.0
    extra_line: float = 40.0
    diamond: float = 3.0
    balance: float = 1.0
    plain: float = 12.0
    after_pause: float = 0.0
    before_connective: float = 2.0
    particle: float = 30.0
    pauses: str = "、，：；"
    connectives: tuple[str, ...] = ("暨", "在", "关于", "——", "（")
    particles: str = "的之地得了着过"
    quote_chars: int = 8


@dataclass(frozen=True)
class MakeupCosts:
    """Prices of the page make-up's moves (compose/makeup.py), in body lines taken off the 28-cell
    character grid: a page that would end short (the next paragraph may leave no lone line at its foot
    or top) is filled by the cheapest set of moves. White space moves in whole grid lines, so no line
    leaves the grid (GB/T 9704 keeps a 22-line page); a paragraph set one line longer or shorter costs
    the lines its variant takes off the grid (``grid_line`` each). Per move: ``title_more`` (one blank
    line more above an article title, or below the contents on page 1), ``title_more2`` (a second
    one), ``title_less`` (no blank line above a title that has one, not at a page top),
    ``heading1_more`` / ``heading2_more`` (one blank line above a level-1 一、 / level-2 （一） heading
    that is not at a page top). A move priced at ``grid_line`` or more is never worth a grid line:
    ``title_less`` is, by default (two articles run together, which every reader sees, where a line
    off the grid is a fraction of a point between characters)."""

    title_more: float = 0.0
    title_more2: float = 0.3
    title_less: float = 2.0
    heading1_more: float = 0.2
    heading2_more: float = 0.4
    grid_line: float = 1.0


@dataclass(frozen=True)
class Typography:
    """Chinese line-layout switches (W3C clreq, GB/T 15834)."""

    # Han–Latin/digit gap, in em of each text's own size, the same for every role: body, headings,
    # titles, contents, masthead, closing block (clreq §3.2.2); 0 for none
    latin_gap: float = 0.25
    compress_adjacent: bool = True  # two adjacent marks in 1.5 cells where a line needs it
    hanging: bool = False  # 、，。 may hang past the right edge (off in mainland practice)
    latin_role: str | None = None  # font role for Latin letters and digits (None: the CJK face's own)
    # words every line that keeps its words knows (the layout's `dictionary` file, one word a line)
    dictionary: tuple[str, ...] = ()
    titles: TitleCosts = TitleCosts()
    makeup: MakeupCosts = MakeupCosts()


@dataclass(frozen=True)
class Layout:
    """A whole design: page, text styles, masthead, closing block, page number, colours, typography."""

    name: str
    page: Page
    styles: dict[str, TextStyle]
    toc_rule: Rule
    masthead: Masthead
    closing: ClosingDesign
    page_number: PageNumber
    colours: dict[str, CMYK]
    typography: Typography = Typography()

    def style(self, name: str) -> TextStyle:
        return self.styles[name]

    def roles(self) -> set[str]:
        """Every font role the design uses."""
        found = {s.role for s in self.styles.values()}
        m = self.masthead
        found |= {s.role for s in (m.title, m.edition, m.number, m.units, m.office, m.date)}
        found |= {self.closing.style.role, self.page_number.style.role}
        if self.typography.latin_role:
            found.add(self.typography.latin_role)
        return found
