//! Writes the built-in flags as the book's flags.zip layout: DIR/<cc>/<cc>.gif and DIR/<cc>/metadata.json.
//!
//! `cargo run -p flags-server --example write_flags -- /tmp/flags`

use std::path::PathBuf;

fn main() -> anyhow::Result<()> {
    let dir = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "flags".into()));
    for c in flags_server::countries() {
        let cc = c.iso_cc.to_lowercase();
        let sub = dir.join(&cc);
        std::fs::create_dir_all(&sub)?;
        let gif = flags_server::flag_gif(&cc).unwrap_or_default();
        std::fs::write(sub.join(format!("{cc}.gif")), &gif)?;
        std::fs::write(sub.join("metadata.json"), c.metadata_json())?;
    }
    println!(
        "wrote {} flags to {}",
        flags_server::countries().len(),
        dir.display()
    );
    Ok(())
}
