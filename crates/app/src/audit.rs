//! Verifying the audit log's hash chain, page by page.

use std::sync::Arc;

use kontakt_domain::audit::{Break, Verifier};
use kontakt_store::{Store, StoreError};

#[derive(Debug)]
pub enum Verdict {
    Intact { entries: u64, head: Option<String> },
    Broken { entries_checked: u64, at: Break },
}

pub async fn verify(store: &Arc<dyn Store>) -> Result<Verdict, StoreError> {
    const PAGE: u32 = 10_000;
    let mut verifier = Verifier::default();
    let mut after = 0;
    loop {
        let query = kontakt_store::AuditQuery {
            after,
            limit: PAGE,
            ..Default::default()
        };
        let page = store.audit_page(&query).await?;
        for record in &page {
            if let Err(at) = verifier.check(record) {
                return Ok(Verdict::Broken {
                    entries_checked: verifier.checked,
                    at,
                });
            }
        }
        match page.last() {
            Some(last) if page.len() == PAGE as usize => after = last.id,
            _ => {
                return Ok(Verdict::Intact {
                    entries: verifier.checked,
                    head: verifier.head().map(str::to_owned),
                })
            }
        }
    }
}
