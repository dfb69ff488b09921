//! The drawn QR must scan: render the widget, rebuild a bitmap from every cell's glyph *and*
//! colours, and decode it with a real decoder (rqrr).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use mfa_assist::ui::qr::*;
use proptest::prelude::*;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::widgets::{Block, Paragraph, Widget};

const URI: &str = "otpauth://totp/MFA%20Training:alex%40training.example?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=MFA%20Training";

const INK: Color = Color::Indexed(16);
const PAPER: Color = Color::Indexed(231);
/// The quiet zone the spec (ISO 18004) asks for, in modules; deliberately not the crate's constant.
const Q: usize = 4;
/// Pixels per module in the rebuilt bitmap.
const SCALE: usize = 4;

fn is_dark_colour(c: Color) -> bool {
    match c {
        INK => true,
        PAPER => false,
        other => panic!("QR cell painted with unexpected colour {other:?}"),
    }
}

/// Module bitmap (quiet zone included) read back from a buffer the way a terminal shows it.
struct Bitmap {
    /// Modules across and down (quiet zone included).
    w: usize,
    h: usize,
    dark: Vec<bool>,
}

impl Bitmap {
    fn get(&self, x: usize, y: usize) -> bool {
        self.dark[y * self.w + x]
    }

    /// Read a half-block QR of `cols` x `rows` cells whose top-left cell is `origin`.
    fn from_half_blocks(buf: &Buffer, origin: (u16, u16), cols: u16, rows: u16) -> Bitmap {
        let (w, h) = (usize::from(cols), usize::from(rows) * 2);
        let mut dark = vec![false; w * h];
        for row in 0..rows {
            for col in 0..cols {
                let cell = &buf[(origin.0 + col, origin.1 + row)];
                assert!(cell.modifier.is_empty(), "modifier left on a QR cell");
                let (top_ink, bottom_ink) = match cell.symbol() {
                    " " => (false, false),
                    "▀" => (true, false),
                    "▄" => (false, true),
                    "█" => (true, true),
                    other => panic!("unexpected QR glyph {other:?}"),
                };
                // The inked half shows fg, the other half shows bg.
                let paint = |ink: bool| is_dark_colour(if ink { cell.fg } else { cell.bg });
                let (x, y) = (usize::from(col), usize::from(row) * 2);
                dark[y * w + x] = paint(top_ink);
                dark[(y + 1) * w + x] = paint(bottom_ink);
            }
        }
        Bitmap { w, h, dark }
    }

    /// Read a wide-spaces QR: each module is two columns by one row of coloured spaces.
    fn from_wide_spaces(buf: &Buffer, origin: (u16, u16), cols: u16, rows: u16) -> Bitmap {
        assert_eq!(cols % 2, 0);
        let (w, h) = (usize::from(cols / 2), usize::from(rows));
        let mut dark = vec![false; w * h];
        for row in 0..rows {
            for mx in 0..cols / 2 {
                let left = &buf[(origin.0 + 2 * mx, origin.1 + row)];
                let right = &buf[(origin.0 + 2 * mx + 1, origin.1 + row)];
                for cell in [left, right] {
                    assert_eq!(cell.symbol(), " ");
                    assert!(cell.modifier.is_empty());
                }
                let d = is_dark_colour(left.bg);
                assert_eq!(d, is_dark_colour(right.bg), "module halves differ");
                dark[usize::from(row) * w + usize::from(mx)] = d;
            }
        }
        Bitmap { w, h, dark }
    }

    /// Decode with rqrr at `SCALE` pixels per module. `Ok(text)` for the first grid that
    /// decodes, `Err` describing why nothing did.
    fn decode(&self) -> Result<String, String> {
        let mut img =
            rqrr::PreparedImage::prepare_from_bitmap(self.w * SCALE, self.h * SCALE, |x, y| {
                self.get(x / SCALE, y / SCALE)
            });
        let grids = img.detect_grids();
        if grids.is_empty() {
            return Err("no grid found".into());
        }
        let mut errors = Vec::new();
        for g in &grids {
            match g.decode() {
                Ok((_, text)) => return Ok(text),
                Err(e) => errors.push(format!("{e:?}")),
            }
        }
        Err(errors.join(", "))
    }
}

fn render_at(widget: QrWidget<'_>, buf_area: Rect, at: Rect) -> Buffer {
    let mut buf = Buffer::empty(buf_area);
    widget.render(at, &mut buf);
    buf
}

fn half_block_bitmap(m: &QrMatrix, invert: bool) -> Bitmap {
    let w = QrWidget::new(m).inverted(invert);
    let (c, r) = w.size();
    let buf = render_at(w, Rect::new(0, 0, c, r), Rect::new(0, 0, c, r));
    Bitmap::from_half_blocks(&buf, (0, 0), c, r)
}

#[test]
fn half_blocks_decode_to_the_payload() {
    let m = QrMatrix::encode(URI).unwrap();
    let bitmap = half_block_bitmap(&m, false);
    assert_eq!(bitmap.decode().unwrap(), URI);
    // The bitmap equals the matrix plus its quiet zone (and a light last half row).
    let n = m.width() + 2 * Q;
    assert_eq!(bitmap.w, n);
    assert_eq!(bitmap.h, n + 1);
    for y in 0..bitmap.h {
        for x in 0..bitmap.w {
            assert_eq!(
                bitmap.get(x, y),
                m.is_dark_with_quiet_zone(x, y),
                "({x},{y})"
            );
        }
    }
}

#[test]
fn decodes_inside_a_full_terminal_frame_at_an_offset() {
    let m = QrMatrix::encode(URI).unwrap();
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    let qr_area = Rect::new(37, 9, 60, 28);
    // Background with styles a QR cell must not inherit.
    let background = Style::new()
        .fg(Color::Yellow)
        .bg(Color::Black)
        .add_modifier(Modifier::REVERSED | Modifier::UNDERLINED | Modifier::BOLD);
    terminal
        .draw(|f| {
            let text = "x".repeat(120 * 40);
            f.render_widget(
                Paragraph::new(text)
                    .style(background)
                    .wrap(ratatui::widgets::Wrap { trim: false })
                    .block(Block::bordered().title("Scan the code")),
                f.area(),
            );
            f.render_widget(QrWidget::new(&m), qr_area);
        })
        .unwrap();
    let buf = terminal.backend().buffer();
    let (c, r) = QrWidget::new(&m).size();
    let bitmap = Bitmap::from_half_blocks(buf, (qr_area.x, qr_area.y), c, r);
    assert_eq!(bitmap.decode().unwrap(), URI);
    // Nothing outside the QR rectangle was touched.
    let drawn = Rect::new(qr_area.x, qr_area.y, c, r);
    for y in 0..40 {
        for x in 0..120 {
            if !drawn.contains((x, y).into()) {
                let cell = &buf[(x, y)];
                assert!(
                    cell.fg != INK && cell.bg != PAPER,
                    "QR leaked outside its area at ({x},{y})"
                );
            }
        }
    }
}

#[test]
fn swapped_colours_do_not_decode() {
    let m = QrMatrix::encode(URI).unwrap();
    let (c, r) = QrWidget::new(&m).size();
    let area = Rect::new(0, 0, c, r);
    let mut swapped = render_at(QrWidget::new(&m), area, area);
    for cell in &mut swapped.content {
        std::mem::swap(&mut cell.fg, &mut cell.bg);
    }
    let result = Bitmap::from_half_blocks(&swapped, (0, 0), c, r).decode();
    assert!(
        result.is_err(),
        "a QR with swapped colours decoded: {result:?}"
    );
}

#[test]
fn inverted_widget_looks_the_same_in_colour_and_puts_glyphs_on_light_modules() {
    let m = QrMatrix::encode(URI).unwrap();
    let (c, r) = QrWidget::new(&m).size();
    let area = Rect::new(0, 0, c, r);
    let inverted = render_at(QrWidget::new(&m).inverted(true), area, area);
    // Read by colour, it is the same code.
    assert_eq!(
        Bitmap::from_half_blocks(&inverted, (0, 0), c, r)
            .decode()
            .unwrap(),
        URI
    );
    // Read by glyph shape alone (a monochrome terminal), glyphs are the light modules.
    let mut glyphs_only = inverted.clone();
    for cell in &mut glyphs_only.content {
        cell.fg = LIGHT;
        cell.bg = DARK;
    }
    assert_eq!(
        Bitmap::from_half_blocks(&glyphs_only, (0, 0), c, r)
            .decode()
            .unwrap(),
        URI
    );
    let normal = render_at(QrWidget::new(&m), area, area);
    assert_ne!(normal, inverted, "inverting must change the glyphs");
}

#[test]
fn quiet_zone_is_entirely_light() {
    assert_eq!(QUIET_ZONE, Q);
    let m = QrMatrix::encode(URI).unwrap();
    let n = m.width() + 2 * Q;
    let in_border = |x: usize, y: usize| x < Q || y < Q || x >= n - Q || y >= n - Q;
    // Half blocks: check both halves of every border cell via the rebuilt bitmap, and the
    // extra half row below the code (odd height).
    let bitmap = half_block_bitmap(&m, false);
    for y in 0..bitmap.h {
        for x in 0..bitmap.w {
            if in_border(x, y) || y >= n {
                assert!(
                    !bitmap.get(x, y),
                    "dark module in the quiet zone at ({x},{y})"
                );
            }
        }
    }
    // The two rows of cells at the top are plain paper.
    let w = QrWidget::new(&m);
    let (c, r) = w.size();
    let buf = render_at(w, Rect::new(0, 0, c, r), Rect::new(0, 0, c, r));
    for row in 0..(Q / 2) as u16 {
        for col in 0..c {
            let cell = &buf[(col, row)];
            assert_eq!((cell.symbol(), cell.fg, cell.bg), (" ", INK, PAPER));
        }
    }
    // The code really touches the inner edge of the quiet zone (finder patterns).
    assert!(bitmap.get(Q, Q));
    assert!(bitmap.get(n - Q - 1, Q));
    assert!(bitmap.get(Q, n - Q - 1));
    // Wide spaces.
    let w = QrWidget::new(&m).style(QrStyle::WideSpaces);
    let (c, r) = w.size();
    let buf = render_at(w, Rect::new(0, 0, c, r), Rect::new(0, 0, c, r));
    let bitmap = Bitmap::from_wide_spaces(&buf, (0, 0), c, r);
    assert_eq!((bitmap.w, bitmap.h), (n, n));
    for y in 0..n {
        for x in 0..n {
            if in_border(x, y) {
                assert!(
                    !bitmap.get(x, y),
                    "dark module in the quiet zone at ({x},{y})"
                );
            }
        }
    }
}

#[test]
fn wide_spaces_decode_to_the_payload() {
    let m = QrMatrix::encode(URI).unwrap();
    let w = QrWidget::new(&m).style(QrStyle::WideSpaces);
    let (c, r) = w.size();
    assert_eq!((c, r), (98, 49));
    let mut terminal = Terminal::new(TestBackend::new(120, 60)).unwrap();
    terminal
        .draw(|f| f.render_widget(w, Rect::new(11, 5, 100, 50)))
        .unwrap();
    let bitmap = Bitmap::from_wide_spaces(terminal.backend().buffer(), (11, 5), c, r);
    assert_eq!(bitmap.decode().unwrap(), URI);
    // A negative (dark and light exchanged) does not decode.
    let mut swapped = render_at(w, Rect::new(0, 0, c, r), Rect::new(0, 0, c, r));
    let flip = |c: Color| if c == DARK { LIGHT } else { DARK };
    for cell in &mut swapped.content {
        cell.fg = flip(cell.fg);
        cell.bg = flip(cell.bg);
    }
    assert!(
        Bitmap::from_wide_spaces(&swapped, (0, 0), c, r)
            .decode()
            .is_err()
    );
}

#[test]
fn too_small_area_draws_nothing() {
    let m = QrMatrix::encode(URI).unwrap();
    for style in [QrStyle::HalfBlock, QrStyle::WideSpaces] {
        let w = QrWidget::new(&m).style(style);
        let (c, r) = w.size();
        let full = Rect::new(0, 0, c + 10, r + 10);
        for area in [
            Rect::new(2, 3, c - 1, r),
            Rect::new(2, 3, c, r - 1),
            Rect::new(0, 0, 0, 0),
            Rect::new(0, 0, 10, 5),
        ] {
            assert!(!w.fits(area), "{style:?} {area:?}");
            let mut buf = Buffer::empty(full);
            // A recognisable background, so "unchanged" is meaningful.
            buf.set_style(full, Style::new().bg(Color::Blue));
            let before = buf.clone();
            w.render(area, &mut buf);
            assert_eq!(buf, before, "{style:?} drew into {area:?}");
        }
        assert!(w.fits(Rect::new(2, 3, c, r)));
        // An area that fits, but whose buffer is too small: still nothing, never clipped.
        let mut small = Buffer::empty(Rect::new(0, 0, c, r - 1));
        let before = small.clone();
        w.render(Rect::new(0, 0, c, r), &mut small);
        assert_eq!(small, before);
    }
}

#[test]
fn size_matches_cells_for_known_versions() {
    // (payload, modules) at level L.
    let cases = [
        ("A", 21),                                                   // version 1
        ("otpauth://totp/A:b?secret=JBSWY3DPEHPK3PXP&issuer=A", 29), // version 3
        (URI, 41),                                                   // version 6
        (&"a".repeat(200) as &str, 53),                              // version 9
    ];
    for (payload, modules) in cases {
        let m = QrMatrix::encode(payload).unwrap();
        assert_eq!(m.width(), modules, "{payload}");
        let n = (modules + 2 * Q) as u16;
        let half = QrWidget::new(&m);
        assert_eq!(half.size(), (n, n.div_ceil(2)));
        assert_eq!(half.style(QrStyle::WideSpaces).size(), (2 * n, n));
        // The size really is what gets drawn: render into exactly that and decode.
        let (c, r) = half.size();
        let buf = render_at(half, Rect::new(0, 0, c, r), Rect::new(0, 0, c, r));
        assert_eq!(
            Bitmap::from_half_blocks(&buf, (0, 0), c, r)
                .decode()
                .unwrap(),
            payload
        );
    }
    assert_eq!(
        QrWidget::new(&QrMatrix::encode(URI).unwrap()).size(),
        (49, 25)
    );
}

#[test]
fn debug_does_not_show_modules() {
    let m = QrMatrix::encode(URI).unwrap();
    let text = format!("{m:?} {m:#?}");
    assert!(!text.contains("true") && !text.contains("false") && !text.contains("modules"));
    // The widget's Debug shows the matrix the same way (plus its own small settings).
    let widget = format!("{:?}", QrWidget::new(&m));
    assert!(widget.contains("QrMatrix { width: 41 }"), "{widget}");
    assert!(widget.len() < 120, "{widget}");
    assert_eq!(format!("{m:?}"), "QrMatrix { width: 41 }");
}

fn percent_encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 32,
        // A failing case is saved and replayed first on every later run.
        failure_persistence: Some(Box::new(
            proptest::test_runner::FileFailurePersistence::Direct("proptest-regressions/qr_decode.txt")
        )),
        ..ProptestConfig::default()
    })]
    #[test]
    fn random_enrollments_round_trip(
        secret in "[A-Z2-7]{16,64}",
        user in "[a-z][a-z0-9._-]{0,23}",
        domain in "[a-z]{1,12}\\.(example|edu|org)",
        issuer in "[A-Za-z][A-Za-z0-9 ]{0,20}",
        wide in any::<bool>(),
    ) {
        let issuer = percent_encode(&issuer);
        let account = percent_encode(&format!("{user}@{domain}"));
        let payload = format!(
            "otpauth://totp/{issuer}:{account}?secret={secret}&issuer={issuer}"
        );
        let m = QrMatrix::encode(&payload).unwrap();
        let style = if wide { QrStyle::WideSpaces } else { QrStyle::HalfBlock };
        let w = QrWidget::new(&m).style(style);
        let (c, r) = w.size();
        let area = Rect::new(3, 2, c, r);
        let buf = render_at(w, Rect::new(0, 0, c + 6, r + 4), area);
        let bitmap = match style {
            QrStyle::HalfBlock => Bitmap::from_half_blocks(&buf, (3, 2), c, r),
            QrStyle::WideSpaces => Bitmap::from_wide_spaces(&buf, (3, 2), c, r),
        };
        prop_assert_eq!(bitmap.decode().unwrap(), payload);
    }
}
