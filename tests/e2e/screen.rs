//! Reading what a person would read off the screen: the QR code (rebuilt
//! from the glyphs and colours tmux reports), the otpauth URI inside it, the
//! manual key, and the code an independent authenticator (oathtool) shows.

use std::process::Command;

/// A cell colour as the SGR escapes name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Colour {
    Default,
    Indexed(u8),
    Rgb(u8, u8, u8),
}

/// QR ink and paper: entries 16 and 231 of the 256-colour cube.
const INK: Colour = Colour::Indexed(16);
const PAPER: Colour = Colour::Indexed(231);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cell {
    pub ch: char,
    pub fg: Colour,
    pub bg: Colour,
}

/// A screen captured with `capture-pane -p -e`, as rows of cells with their
/// final colours (reverse video applied). tmux trims trailing blanks, so rows
/// differ in length; missing cells are default-coloured spaces.
pub struct Grid {
    pub rows: Vec<Vec<Cell>>,
}

#[derive(Clone, Copy)]
struct Pen {
    fg: Colour,
    bg: Colour,
    reverse: bool,
}

const RESET: Pen = Pen {
    fg: Colour::Default,
    bg: Colour::Default,
    reverse: false,
};

impl Grid {
    /// Parses the escapes of `capture-pane -e`. The pen carries over from
    /// one line to the next, as tmux only writes changes.
    pub fn parse(captured: &str) -> Grid {
        let mut pen = RESET;
        let mut rows = Vec::new();
        for line in captured.split('\n') {
            let mut row = Vec::new();
            let mut chars = line.chars().peekable();
            while let Some(c) = chars.next() {
                if c == '\u{1b}' {
                    if chars.peek() == Some(&'[') {
                        chars.next();
                        let mut params = String::new();
                        let mut fin = None;
                        for p in chars.by_ref() {
                            if ('\u{40}'..='\u{7e}').contains(&p) {
                                fin = Some(p);
                                break;
                            }
                            params.push(p);
                        }
                        if fin == Some('m') {
                            apply_sgr(&mut pen, &params);
                        }
                    }
                    continue;
                }
                let (fg, bg) = if pen.reverse {
                    (pen.bg, pen.fg)
                } else {
                    (pen.fg, pen.bg)
                };
                row.push(Cell { ch: c, fg, bg });
            }
            rows.push(row);
        }
        while rows.last().is_some_and(|r| r.is_empty()) {
            rows.pop();
        }
        Grid { rows }
    }

    pub fn width(&self) -> usize {
        self.rows.iter().map(Vec::len).max().unwrap_or(0)
    }

    pub fn cell(&self, x: usize, y: usize) -> Cell {
        self.rows
            .get(y)
            .and_then(|r| r.get(x))
            .copied()
            .unwrap_or(Cell {
                ch: ' ',
                fg: Colour::Default,
                bg: Colour::Default,
            })
    }

    /// Cells painted in the QR's paper colour, and how many of those do not
    /// also have the QR's ink colour as foreground.
    pub fn qr_cells(&self) -> (usize, Vec<(usize, usize, Cell)>) {
        let mut count = 0;
        let mut odd = Vec::new();
        for (y, row) in self.rows.iter().enumerate() {
            for (x, cell) in row.iter().enumerate() {
                if cell.bg == PAPER || cell.fg == INK {
                    count += 1;
                    if (cell.fg, cell.bg) != (INK, PAPER) {
                        odd.push((x, y, *cell));
                    }
                }
            }
        }
        (count, odd)
    }

    /// Two pixels per cell, top and bottom, dark where the terminal shows
    /// ink colour 16: the glyph's ink is the foreground, the rest background.
    pub fn bitmap_from_colours(&self) -> Bitmap {
        self.bitmap(|cell, half_inked| {
            let colour = if half_inked { cell.fg } else { cell.bg };
            colour == INK
        })
    }

    /// The same from the glyphs alone (`▀ ▄ █ space`), as a monochrome
    /// terminal would show the code.
    pub fn bitmap_from_glyphs(&self) -> Bitmap {
        self.bitmap(|_, half_inked| half_inked)
    }

    fn bitmap(&self, dark: impl Fn(Cell, bool) -> bool) -> Bitmap {
        let w = self.width();
        let h = self.rows.len() * 2;
        let mut pixels = vec![false; w * h];
        for y in 0..self.rows.len() {
            for x in 0..w {
                let cell = self.cell(x, y);
                let (top, bottom) = match cell.ch {
                    '▀' => (true, false),
                    '▄' => (false, true),
                    '█' => (true, true),
                    _ => (false, false),
                };
                let half_block = matches!(cell.ch, '▀' | '▄' | '█' | ' ');
                pixels[2 * y * w + x] = half_block && dark(cell, top);
                pixels[(2 * y + 1) * w + x] = half_block && dark(cell, bottom);
            }
        }
        Bitmap { w, h, pixels }
    }
}

fn apply_sgr(pen: &mut Pen, params: &str) {
    let nums: Vec<u16> = if params.is_empty() {
        vec![0]
    } else {
        params
            .split([';', ':'])
            .map(|p| p.parse().unwrap_or(0))
            .collect()
    };
    let mut i = 0;
    while i < nums.len() {
        let n = nums[i];
        match n {
            0 => *pen = RESET,
            7 => pen.reverse = true,
            27 => pen.reverse = false,
            30..=37 => pen.fg = Colour::Indexed((n - 30) as u8),
            90..=97 => pen.fg = Colour::Indexed((n - 90 + 8) as u8),
            40..=47 => pen.bg = Colour::Indexed((n - 40) as u8),
            100..=107 => pen.bg = Colour::Indexed((n - 100 + 8) as u8),
            39 => pen.fg = Colour::Default,
            49 => pen.bg = Colour::Default,
            38 | 48 => {
                let colour = match nums.get(i + 1) {
                    Some(5) => {
                        let c = nums.get(i + 2).copied().unwrap_or(0);
                        i += 2;
                        Colour::Indexed(c as u8)
                    }
                    Some(2) => {
                        let get = |k: usize| nums.get(i + k).copied().unwrap_or(0) as u8;
                        let c = Colour::Rgb(get(2), get(3), get(4));
                        i += 4;
                        c
                    }
                    _ => Colour::Default,
                };
                if n == 38 {
                    pen.fg = colour;
                } else {
                    pen.bg = colour;
                }
            }
            _ => {}
        }
        i += 1;
    }
}

/// Dark and light pixels, one per half cell.
pub struct Bitmap {
    pub w: usize,
    pub h: usize,
    pixels: Vec<bool>,
}

impl Bitmap {
    fn get(&self, x: usize, y: usize) -> bool {
        self.pixels.get(y * self.w + x).copied().unwrap_or(false)
    }

    /// Finds and decodes the QR codes in the bitmap with rqrr, each module
    /// scaled up to 4x4 pixels (cells are wider than tall, but every module
    /// here is one column by half a row, so the code is square).
    pub fn decode(&self) -> Result<Vec<String>, String> {
        const SCALE: usize = 4;
        let mut img =
            rqrr::PreparedImage::prepare_from_bitmap(self.w * SCALE, self.h * SCALE, |x, y| {
                self.get(x / SCALE, y / SCALE)
            });
        let grids = img.detect_grids();
        if grids.is_empty() {
            return Err("rqrr found no QR code on the screen".into());
        }
        let mut found = Vec::new();
        let mut errors = Vec::new();
        for grid in &grids {
            match grid.decode() {
                Ok((_, content)) => found.push(content),
                Err(e) => errors.push(format!("{e:?}")),
            }
        }
        if found.is_empty() {
            Err(format!(
                "rqrr found {} grid(s) but none decoded: {errors:?}",
                grids.len()
            ))
        } else {
            Ok(found)
        }
    }
}

/// An `otpauth://totp/ISSUER:ACCOUNT?secret=..&issuer=..` URI, taken apart.
#[derive(Debug)]
pub struct OtpAuth {
    /// The label, percent-decoded: `MFA Training:alex@training.example`.
    pub label: String,
    pub secret: String,
    pub issuer: Option<String>,
    pub digits: Option<String>,
    pub period: Option<String>,
    pub algorithm: Option<String>,
}

pub fn parse_otpauth(uri: &str) -> Result<OtpAuth, String> {
    let rest = uri
        .strip_prefix("otpauth://totp/")
        .ok_or_else(|| format!("not an otpauth://totp/ URI: {uri:?}"))?;
    let (label, query) = rest.split_once('?').unwrap_or((rest, ""));
    let mut out = OtpAuth {
        label: percent_decode(label)?,
        secret: String::new(),
        issuer: None,
        digits: None,
        period: None,
        algorithm: None,
    };
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let v = percent_decode(v)?;
        match k {
            "secret" => out.secret = v,
            "issuer" => out.issuer = Some(v),
            "digits" => out.digits = Some(v),
            "period" => out.period = Some(v),
            "algorithm" => out.algorithm = Some(v),
            _ => {}
        }
    }
    if out.secret.is_empty() {
        return Err(format!("no secret in {uri:?}"));
    }
    Ok(out)
}

fn percent_decode(s: &str) -> Result<String, String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| format!("bad percent escape in {s:?}"))?;
            out.push(hex);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|e| format!("not UTF-8 after decoding {s:?}: {e}"))
}

/// The manual key as shown on the "Type this key into your app" screen
/// (`Key   ABCD EFGH ...`), with the spaces kept.
pub fn manual_key_grouped(screen: &str) -> Option<String> {
    screen.lines().find_map(|line| {
        let rest = line.trim_start().strip_prefix("Key ")?;
        let key = rest.trim();
        (!key.is_empty()).then(|| key.to_string())
    })
}

/// The current TOTP code for a base32 `key`, from oathtool: computed
/// independently of the app and of the Rust TOTP crate it uses.
pub fn oathtool_code(key: &str) -> String {
    let out = match Command::new("oathtool")
        .args(["--totp", "-b", key])
        .output()
    {
        Ok(out) => out,
        Err(e) => panic!(
            "oathtool is needed to compute the authenticator code independently, but it could \
             not be run ({e}). Install it: apt-get install oathtool (Debian/Ubuntu), \
             brew install oath-toolkit (macOS)."
        ),
    };
    assert!(
        out.status.success(),
        "oathtool --totp -b <key> failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let code = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert!(
        code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()),
        "oathtool printed {code:?}, not a 6-digit code"
    );
    code
}

/// A 6-digit code that is certainly not `code`.
pub fn wrong_code(code: &str) -> String {
    let n: u32 = code.parse().unwrap_or(0);
    format!("{:06}", (n + 1) % 1_000_000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sgr_pen_carries_across_lines_and_resets() {
        let g = Grid::parse("\x1b[38;5;16m\x1b[48;5;231m▀\n█\x1b[0m x\x1b[7m\x1b[31my");
        assert_eq!(g.cell(0, 0).fg, INK);
        assert_eq!(g.cell(0, 1).bg, PAPER);
        assert_eq!(g.cell(1, 1).fg, Colour::Default);
        // Reverse video swaps fg and bg.
        assert_eq!(g.cell(3, 1).bg, Colour::Indexed(1));
    }

    #[test]
    fn otpauth_is_taken_apart() {
        let uri = "otpauth://totp/MFA%20Training:alex%40training.example?secret=ABCD&issuer=MFA%20Training";
        let o = parse_otpauth(uri).unwrap();
        assert_eq!(o.label, "MFA Training:alex@training.example");
        assert_eq!(o.secret, "ABCD");
        assert_eq!(o.issuer.as_deref(), Some("MFA Training"));
    }
}
