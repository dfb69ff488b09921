//! Over 400 lines only with its unit tests; the code is about 270 lines.
//!
//! QR code widget: a cached module matrix plus a ratatui widget that draws it.
//!
//! Encoding costs about 0.8 ms, so [`QrMatrix::encode`] runs once per enrollment and the
//! matrix is kept; drawing it with [`QrWidget`] is cheap and happens every frame.
//!
//! Drawing rules:
//! - [`QrStyle::HalfBlock`]: two modules per cell vertically with `▀ ▄ █` and space; the glyph's
//!   ink marks the dark modules. Every cell gets `fg` = dark ink and `bg` = light paper, both
//!   from the 256-colour cube ([`DARK`], [`LIGHT`]) so terminal themes do not remap them.
//! - [`QrStyle::WideSpaces`]: fallback for terminals that draw the ambiguous-width half blocks
//!   double-width. Each module is two columns by one row of spaces coloured by their background.
//! - A [`QUIET_ZONE`]-module light border is always drawn, on every side.
//! - The code is drawn at the top-left of the area only if it fits whole; otherwise nothing is
//!   drawn (the caller shows "make the terminal bigger" and the manual key instead).

use std::fmt;

use qrcode::{EcLevel, QrCode};
use ratatui::buffer::{Buffer, Cell};
use ratatui::layout::Rect;
use ratatui::style::Color;
use ratatui::widgets::Widget;
use zeroize::{Zeroize, ZeroizeOnDrop};

/// Modules of light border drawn on every side of the code (the ISO 18004 minimum).
pub const QUIET_ZONE: usize = 4;

/// Dark ink: entry 16 of the 256-colour cube (black), which themes do not remap.
pub const DARK: Color = Color::Indexed(16);

/// Light paper: entry 231 of the 256-colour cube (white), which themes do not remap.
pub const LIGHT: Color = Color::Indexed(231);

/// The modules of an encoded QR code, without quiet zone.
///
/// It encodes a TOTP secret, so it is wiped when dropped and its `Debug` output shows only the
/// width.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct QrMatrix {
    width: usize,
    /// Row-major, `width * width` entries, `true` = dark.
    modules: Vec<bool>,
}

impl QrMatrix {
    /// Encode `payload` with error-correction level L (the smallest code; a screen is not
    /// damaged the way paper is).
    ///
    /// Encode once per enrollment (≈0.8 ms); rendering is cheap. Never panics: data that does
    /// not fit in a version-40 code is an error.
    ///
    /// Best effort only for secrecy: the returned matrix is wiped on drop, and the module list
    /// handed back by `qrcode` is overwritten here, but `qrcode`'s internal working buffers
    /// (the bit stream and the candidate masks) are freed without being wiped.
    pub fn encode(payload: &str) -> Result<QrMatrix, QrTooLong> {
        let code = QrCode::with_error_correction_level(payload.as_bytes(), EcLevel::L)
            .map_err(|_| QrTooLong)?;
        let width = code.width();
        let mut colors = code.into_colors();
        let modules: Vec<bool> = colors.iter().map(|c| *c == qrcode::Color::Dark).collect();
        // qrcode::Color is not Zeroize: overwrite by hand, and keep the stores observable.
        for c in colors.iter_mut() {
            *c = qrcode::Color::Light;
        }
        std::hint::black_box(&colors);
        drop(colors);
        if modules.len() != width * width {
            // qrcode guarantees a square; treat anything else as unencodable, not a panic.
            return Err(QrTooLong);
        }
        Ok(QrMatrix { width, modules })
    }

    /// Width (and height) in modules, without quiet zone.
    pub fn width(&self) -> usize {
        self.width
    }

    /// Whether module (`x`, `y`) is dark; `false` outside the matrix.
    pub fn is_dark(&self, x: usize, y: usize) -> bool {
        if x >= self.width || y >= self.width {
            return false;
        }
        self.modules
            .get(y * self.width + x)
            .copied()
            .unwrap_or(false)
    }

    /// Width in modules including the quiet zone on both sides.
    pub fn width_with_quiet_zone(&self) -> usize {
        self.width + 2 * QUIET_ZONE
    }

    /// Whether module (`x`, `y`) is dark, in coordinates that include the quiet zone
    /// (so (0, 0) is the top-left corner of the light border). `false` outside.
    pub fn is_dark_with_quiet_zone(&self, x: usize, y: usize) -> bool {
        match (x.checked_sub(QUIET_ZONE), y.checked_sub(QUIET_ZONE)) {
            (Some(x), Some(y)) => self.is_dark(x, y),
            _ => false,
        }
    }
}

impl fmt::Debug for QrMatrix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The modules encode a secret: never print them.
        f.debug_struct("QrMatrix")
            .field("width", &self.width)
            .finish()
    }
}

/// The payload does not fit in the largest QR code (version 40, level L).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QrTooLong;

impl fmt::Display for QrTooLong {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the data is too long for a QR code")
    }
}

impl std::error::Error for QrTooLong {}

/// How modules map to terminal cells.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum QrStyle {
    /// Two modules per cell vertically, drawn with `▀ ▄ █` and space.
    #[default]
    HalfBlock,
    /// Each module is two columns by one row of spaces with only a background colour. For
    /// terminals that draw the ambiguous-width half blocks double-width. Needs twice the columns
    /// and twice the rows of [`QrStyle::HalfBlock`].
    WideSpaces,
}

/// Draws a [`QrMatrix`] with its quiet zone at the top-left of the area, or nothing if it does
/// not fit.
#[derive(Clone, Copy, Debug)]
pub struct QrWidget<'a> {
    matrix: &'a QrMatrix,
    style: QrStyle,
    inverted: bool,
}

impl<'a> QrWidget<'a> {
    pub fn new(matrix: &'a QrMatrix) -> Self {
        QrWidget {
            matrix,
            style: QrStyle::default(),
            inverted: false,
        }
    }

    pub fn style(self, style: QrStyle) -> Self {
        QrWidget { style, ..self }
    }

    /// Draw the glyphs on the light modules instead of the dark ones, light
    /// ink on dark paper. A colour terminal shows exactly the same code; a
    /// monochrome terminal with a dark background, which ignores colours and
    /// shows glyphs light, then shows the code the right way round.
    pub fn inverted(self, invert: bool) -> Self {
        QrWidget {
            inverted: invert,
            ..self
        }
    }

    /// `(columns, rows)` needed, quiet zone included, for the chosen style.
    pub fn size(&self) -> (u16, u16) {
        let n = self.matrix.width_with_quiet_zone();
        let (cols, rows) = match self.style {
            QrStyle::HalfBlock => (n, n.div_ceil(2)),
            QrStyle::WideSpaces => (n.saturating_mul(2), n),
        };
        (
            u16::try_from(cols).unwrap_or(u16::MAX),
            u16::try_from(rows).unwrap_or(u16::MAX),
        )
    }

    /// Whether the whole code, quiet zone included, fits in `area`.
    pub fn fits(&self, area: Rect) -> bool {
        let (cols, rows) = self.size();
        area.width >= cols && area.height >= rows
    }

    /// `(ink, paper)`: the glyph colour and the background colour.
    fn colours(&self) -> (Color, Color) {
        if self.inverted {
            (LIGHT, DARK)
        } else {
            (DARK, LIGHT)
        }
    }
}

/// Overwrite a cell completely: no modifier, underline colour or diff option left over from
/// what was drawn below (a leftover `REVERSED` or `UNDERLINED` would corrupt the code).
fn paint(cell: &mut Cell, symbol: &str, fg: Color, bg: Color) {
    cell.reset();
    cell.set_symbol(symbol);
    cell.fg = fg;
    cell.bg = bg;
}

impl Widget for QrWidget<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        (&self).render(area, buf);
    }
}

impl Widget for &QrWidget<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let area = area.intersection(buf.area);
        if !self.fits(area) {
            return;
        }
        // The QR's colours are the code, not decoration: crossterm must write
        // them even under NO_COLOR (the theme keeps the text plain itself).
        // Without them a dark terminal shows the glyphs light on dark.
        ratatui::crossterm::style::Colored::set_ansi_color_disabled(false);
        let (cols, rows) = self.size();
        let (ink, paper) = self.colours();
        let m = self.matrix;
        for row in 0..rows {
            for col in 0..cols {
                let Some(cell) = buf.cell_mut((area.x + col, area.y + row)) else {
                    continue;
                };
                let (x, y) = (usize::from(col), usize::from(row));
                match self.style {
                    QrStyle::HalfBlock => {
                        // Past the last module row (odd height) this is light.
                        let dark = (
                            m.is_dark_with_quiet_zone(x, 2 * y),
                            m.is_dark_with_quiet_zone(x, 2 * y + 1),
                        );
                        // Which halves carry the glyph: dark ones, or light ones when inverted.
                        let (top, bottom) = if self.inverted {
                            (!dark.0, !dark.1)
                        } else {
                            dark
                        };
                        let symbol = match (top, bottom) {
                            (false, false) => " ",
                            (true, false) => "▀",
                            (false, true) => "▄",
                            (true, true) => "█",
                        };
                        paint(cell, symbol, ink, paper);
                    }
                    QrStyle::WideSpaces => {
                        // Colour only: inverting changes nothing a terminal can show.
                        let colour = if m.is_dark_with_quiet_zone(x / 2, y) {
                            DARK
                        } else {
                            LIGHT
                        };
                        paint(cell, " ", colour, colour);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use ratatui::style::Modifier;

    const URI: &str = "otpauth://totp/MFA%20Training:alex%40training.example?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=MFA%20Training";

    fn matrix() -> QrMatrix {
        QrMatrix::encode(URI).unwrap()
    }

    #[test]
    fn typical_uri_is_version_6_at_level_l() {
        let m = matrix();
        assert_eq!(m.width(), 41);
        assert_eq!(QrWidget::new(&m).size(), (49, 25));
        assert_eq!(
            QrWidget::new(&m).style(QrStyle::WideSpaces).size(),
            (98, 49)
        );
    }

    #[test]
    fn is_dark_is_false_outside_the_matrix() {
        let m = matrix();
        // Finder pattern corners are dark.
        assert!(m.is_dark(0, 0));
        assert!(m.is_dark(40, 0));
        assert!(m.is_dark(0, 40));
        assert!(!m.is_dark(41, 0));
        assert!(!m.is_dark(0, 41));
        assert!(!m.is_dark(usize::MAX, usize::MAX));
        assert!(!m.is_dark_with_quiet_zone(QUIET_ZONE - 1, QUIET_ZONE));
        assert!(m.is_dark_with_quiet_zone(QUIET_ZONE, QUIET_ZONE));
        assert!(!m.is_dark_with_quiet_zone(QUIET_ZONE + 41, QUIET_ZONE));
    }

    #[test]
    fn debug_shows_only_the_width() {
        assert_eq!(format!("{:?}", matrix()), "QrMatrix { width: 41 }");
        assert_eq!(format!("{:#?}", matrix()), "QrMatrix {\n    width: 41,\n}");
    }

    #[test]
    fn zeroize_wipes_the_modules() {
        let mut m = matrix();
        m.zeroize();
        assert_eq!(m.width(), 0);
        assert!(m.modules.is_empty());
        assert!(!m.is_dark(0, 0));
    }

    #[test]
    fn too_long_is_an_error_not_a_panic() {
        let long = "x".repeat(10_000);
        assert_eq!(QrMatrix::encode(&long).unwrap_err(), QrTooLong);
        assert_eq!(QrTooLong.to_string(), "the data is too long for a QR code");
        // Largest byte-mode payload at version 40-L is 2953 bytes.
        let bytes = "é".repeat(2953 / 2);
        assert_eq!(QrMatrix::encode(&bytes).unwrap().width(), 177);
        assert!(QrMatrix::encode(&"é".repeat(1500)).is_err());
    }

    #[test]
    fn empty_payload_encodes() {
        assert_eq!(QrMatrix::encode("").unwrap().width(), 21);
    }

    #[test]
    fn overwrites_leftover_styles() {
        let m = matrix();
        let w = QrWidget::new(&m);
        let (c, r) = w.size();
        let mut buf = Buffer::empty(Rect::new(0, 0, c, r));
        for cell in &mut buf.content {
            cell.set_symbol("x");
            cell.modifier = Modifier::REVERSED | Modifier::UNDERLINED;
            cell.fg = Color::Red;
            cell.bg = Color::Blue;
        }
        w.render(buf.area, &mut buf);
        for cell in &buf.content {
            assert!(cell.modifier.is_empty());
            assert_eq!((cell.fg, cell.bg), (DARK, LIGHT));
            assert!([" ", "▀", "▄", "█"].contains(&cell.symbol()));
        }
    }

    #[test]
    fn area_outside_the_buffer_draws_nothing_and_does_not_panic() {
        let m = matrix();
        let mut buf = Buffer::empty(Rect::new(0, 0, 60, 30));
        let before = buf.clone();
        // Big enough area, but it lies partly outside the buffer: it must not be clipped.
        QrWidget::new(&m).render(Rect::new(20, 10, 60, 30), &mut buf);
        assert_eq!(buf, before);
        // Entirely outside.
        QrWidget::new(&m).render(Rect::new(500, 500, 60, 30), &mut buf);
        assert_eq!(buf, before);
        // Buffer not at the origin: draws relative to the area.
        let mut buf = Buffer::empty(Rect::new(10, 5, 49, 25));
        QrWidget::new(&m).render(buf.area, &mut buf);
        assert_eq!(buf[(10 + 4, 5 + 2)].symbol(), "█");
    }

    #[test]
    fn inverted_moves_the_glyphs_to_the_light_halves() {
        let m = matrix();
        let (c, r) = QrWidget::new(&m).size();
        let area = Rect::new(0, 0, c, r);
        let mut normal = Buffer::empty(area);
        let mut inverted = Buffer::empty(area);
        QrWidget::new(&m).render(area, &mut normal);
        QrWidget::new(&m).inverted(true).render(area, &mut inverted);
        let opposite = |s: &str| match s {
            " " => "█",
            "█" => " ",
            "▀" => "▄",
            _ => "▀",
        };
        for (a, b) in normal.content.iter().zip(&inverted.content) {
            assert_eq!(opposite(a.symbol()), b.symbol());
            assert_eq!((a.fg, a.bg), (b.bg, b.fg));
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 24,
            // A failing case is saved and replayed first on every later run.
            failure_persistence: Some(Box::new(
                proptest::test_runner::FileFailurePersistence::Direct("proptest-regressions/qr.txt")
            )),
            ..ProptestConfig::default()
        })]
        #[test]
        fn encode_never_panics(s in ".{0,400}", repeat in 1usize..12) {
            let s = s.repeat(repeat);
            if let Ok(m) = QrMatrix::encode(&s) {
                prop_assert!((21..=177).contains(&m.width()));
                prop_assert_eq!((m.width() - 17) % 4, 0);
            }
        }
    }
}
