//! QR encode and render timings (plain `harness = false` bench, `cargo bench --bench qr`).
//!
//! Prints mean / p50 / p99 in microseconds for: encoding a typical otpauth URI, rendering the
//! cached matrix into a `Buffer` (both styles), and the two together.
// Until the `[[bench]] harness = false` stanza exists this file is built as a libtest harness,
// where `main` is unused.
#![cfg_attr(test, allow(dead_code))]

use std::hint::black_box;
use std::time::{Duration, Instant};

use mfa_assist::ui::qr::{QrMatrix, QrStyle, QrWidget};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::Widget;

const URI: &str = "otpauth://totp/MFA%20Training:alex%40training.example?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=MFA%20Training";

fn measure(name: &str, iterations: usize, mut f: impl FnMut()) {
    for _ in 0..iterations / 10 + 1 {
        f(); // warm-up
    }
    let mut samples: Vec<Duration> = Vec::with_capacity(iterations);
    for _ in 0..iterations {
        let start = Instant::now();
        f();
        samples.push(start.elapsed());
    }
    samples.sort_unstable();
    let us = |d: Duration| d.as_secs_f64() * 1e6;
    let mean = samples.iter().map(|d| us(*d)).sum::<f64>() / samples.len() as f64;
    let pct = |p: f64| us(samples[((samples.len() - 1) as f64 * p).round() as usize]);
    println!(
        "{name:<34} n={iterations:<6} mean {mean:>9.1} µs   p50 {:>9.1} µs   p99 {:>9.1} µs",
        pct(0.50),
        pct(0.99),
    );
}

fn render(m: &QrMatrix, style: QrStyle, buf: &mut Buffer) {
    QrWidget::new(m).style(style).render(buf.area, buf);
}

fn main() {
    let Ok(m) = QrMatrix::encode(URI) else {
        eprintln!("encode failed");
        std::process::exit(1);
    };
    println!(
        "payload {} bytes, {} modules, half-block cells {:?}, wide-spaces cells {:?}",
        URI.len(),
        m.width(),
        QrWidget::new(&m).size(),
        QrWidget::new(&m).style(QrStyle::WideSpaces).size(),
    );

    measure("encode (EC L)", 500, || {
        black_box(QrMatrix::encode(black_box(URI)).ok());
    });

    let mut half = Buffer::empty(Rect::new(0, 0, 120, 40));
    measure("render half blocks into Buffer", 20_000, || {
        render(black_box(&m), QrStyle::HalfBlock, &mut half);
        black_box(&half);
    });

    let mut wide = Buffer::empty(Rect::new(0, 0, 120, 60));
    measure("render wide spaces into Buffer", 20_000, || {
        render(black_box(&m), QrStyle::WideSpaces, &mut wide);
        black_box(&wide);
    });

    let mut both = Buffer::empty(Rect::new(0, 0, 120, 40));
    measure("encode + render half blocks", 500, || {
        if let Ok(m) = QrMatrix::encode(black_box(URI)) {
            render(&m, QrStyle::HalfBlock, &mut both);
        }
        black_box(&both);
    });
}
