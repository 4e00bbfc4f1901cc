//! Encryption at rest: tokens sealed with XChaCha20-Poly1305 under a 256-bit key, with the key
//! id stored beside each row so keys can be rotated. The ciphertext is bound to its row and
//! column (associated data), so a sealed token copied to another user's row does not open.

use crate::error::{Error, Result};
use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;
use secrecy::{ExposeSecret, SecretBox, SecretString};
use sha2::{Digest, Sha256};
use std::fmt;

/// The environment variable holding the current key (32 random bytes, base64).
pub const KEY_ENV: &str = "ZOOM_TOKEN_ENCRYPTION_KEY";
/// Former keys, comma separated, kept to read rows not yet re-encrypted.
pub const OLD_KEYS_ENV: &str = "ZOOM_TOKEN_ENCRYPTION_OLD_KEYS";
/// Set to `1` to store tokens in plaintext (local development and tests only).
pub const PLAINTEXT_ENV: &str = "ZOOM_TOKEN_STORE_PLAINTEXT";

const PREFIX: &str = "xc1:";

struct Key {
    id: String,
    cipher: XChaCha20Poly1305,
}

/// The current key and the former ones.
pub struct Keyring {
    keys: Vec<Key>,
}

impl fmt::Debug for Keyring {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ids: Vec<&str> = self.keys.iter().map(|k| k.id.as_str()).collect();
        f.debug_struct("Keyring").field("key_ids", &ids).finish()
    }
}

/// How a store keeps tokens.
#[derive(Debug)]
#[non_exhaustive]
pub enum TokenEncryption {
    /// Sealed with the keyring (the default).
    Encrypted(Keyring),
    /// In plaintext: only when explicitly chosen.
    Plaintext,
}

fn decode_key(raw: &str, name: &str) -> Result<SecretBox<[u8; 32]>> {
    let raw = raw.trim();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(raw)
        .or_else(|_| base64::engine::general_purpose::URL_SAFE.decode(raw))
        .or_else(|_| base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(raw))
        .map_err(|_| {
            Error::config(
                name,
                "is not base64: generate a key with `openssl rand -base64 32`",
            )
        })?;
    let arr: [u8; 32] = bytes.as_slice().try_into().map_err(|_| {
        Error::config(name, format!("must be 32 bytes (256 bits), found {}: generate one with `openssl rand -base64 32`", bytes.len()))
    })?;
    let distinct = {
        let mut seen = [false; 256];
        arr.iter()
            .filter(|b| !std::mem::replace(&mut seen[**b as usize], true))
            .count()
    };
    if distinct < 12 {
        return Err(Error::config(name, "is weak (too few distinct bytes: not random): generate one with `openssl rand -base64 32`"));
    }
    Ok(SecretBox::new(Box::new(arr)))
}

impl Keyring {
    /// A keyring from base64 keys: the first encrypts, all decrypt.
    pub fn new(current: &SecretString, old: &[SecretString]) -> Result<Self> {
        let mut keys = Vec::new();
        for (i, k) in std::iter::once(current).chain(old).enumerate() {
            let name = if i == 0 { KEY_ENV } else { OLD_KEYS_ENV };
            let bytes = decode_key(k.expose_secret(), name)?;
            let id = hex::encode(&Sha256::digest(bytes.expose_secret())[..8]);
            let cipher = XChaCha20Poly1305::new(bytes.expose_secret().into());
            keys.push(Key { id, cipher });
        }
        Ok(Self { keys })
    }

    /// The id of the key new rows are sealed with (a hash prefix; it reveals nothing).
    pub fn current_key_id(&self) -> &str {
        &self.keys[0].id
    }

    /// Seal `plaintext` for `context` (row and column). Returns the key id and the sealed text.
    pub fn seal(&self, plaintext: &str, context: &str) -> Result<(String, String)> {
        let key = &self.keys[0];
        let mut nonce = [0u8; 24];
        rand::rng().fill_bytes(&mut nonce);
        let ct = key
            .cipher
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: plaintext.as_bytes(),
                    aad: context.as_bytes(),
                },
            )
            .map_err(|_| Error::storage("encryption failed"))?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&ct);
        Ok((
            key.id.clone(),
            format!(
                "{PREFIX}{}",
                base64::engine::general_purpose::STANDARD_NO_PAD.encode(out)
            ),
        ))
    }

    /// Open a sealed value written under `key_id` for `context`.
    pub fn open(&self, key_id: &str, sealed: &str, context: &str) -> Result<SecretString> {
        let key = self.keys.iter().find(|k| k.id == key_id).ok_or_else(|| {
            Error::storage(format!("a token is sealed with key {key_id}, which is not configured: add it to {OLD_KEYS_ENV}"))
        })?;
        let raw = sealed
            .strip_prefix(PREFIX)
            .and_then(|b| {
                base64::engine::general_purpose::STANDARD_NO_PAD
                    .decode(b)
                    .ok()
            })
            .filter(|r| r.len() > 24)
            .ok_or_else(|| Error::storage("a sealed token is malformed"))?;
        let (nonce, ct) = raw.split_at(24);
        let pt = key
            .cipher
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: ct,
                    aad: context.as_bytes(),
                },
            )
            .map_err(|_| {
                Error::storage(
                    "a sealed token does not open (wrong key, or the row was tampered with)",
                )
            })?;
        String::from_utf8(pt)
            .map(SecretString::from)
            .map_err(|_| Error::storage("a sealed token is not UTF-8"))
    }
}

impl TokenEncryption {
    /// Encrypted with `key` (base64, 32 bytes), reading rows sealed with `old` keys too.
    pub fn with_keys(key: impl Into<String>, old: &[&str]) -> Result<Self> {
        let old: Vec<SecretString> = old
            .iter()
            .map(|s| SecretString::from(s.to_string()))
            .collect();
        Ok(Self::Encrypted(Keyring::new(
            &SecretString::from(key.into()),
            &old,
        )?))
    }

    /// Plaintext tokens. Use only for tests and local development.
    pub fn insecure_plaintext() -> Self {
        Self::Plaintext
    }

    /// From `ZOOM_TOKEN_ENCRYPTION_KEY` (and `ZOOM_TOKEN_ENCRYPTION_OLD_KEYS`). A missing key is
    /// a configuration error, unless `ZOOM_TOKEN_STORE_PLAINTEXT=1` opts into plaintext.
    pub fn from_env() -> Result<Self> {
        Self::from_lookup(|k| std::env::var(k).ok())
    }

    /// Like [`TokenEncryption::from_env`] with any variable source.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self> {
        match lookup(KEY_ENV).filter(|v| !v.trim().is_empty()) {
            Some(key) => {
                let old: Vec<SecretString> = lookup(OLD_KEYS_ENV)
                    .unwrap_or_default()
                    .split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(|s| SecretString::from(s.to_string()))
                    .collect();
                Ok(Self::Encrypted(Keyring::new(&SecretString::from(key), &old)?))
            }
            None if lookup(PLAINTEXT_ENV).as_deref() == Some("1") => Ok(Self::Plaintext),
            None => Err(Error::config(
                KEY_ENV,
                format!("is missing: tokens are encrypted at rest; set it to `openssl rand -base64 32`, or set {PLAINTEXT_ENV}=1 to store plaintext (development only)"),
            )),
        }
    }

    /// Seal for storage: `(key id, stored text)`; plaintext mode stores the token as is.
    pub(crate) fn seal(
        &self,
        token: &SecretString,
        context: &str,
    ) -> Result<(Option<String>, String)> {
        match self {
            Self::Encrypted(k) => k
                .seal(token.expose_secret(), context)
                .map(|(id, s)| (Some(id), s)),
            Self::Plaintext => Ok((None, token.expose_secret().to_string())),
        }
    }

    /// Open a stored value; `key_id` `None` means the row holds plaintext.
    pub(crate) fn open(
        &self,
        key_id: Option<&str>,
        stored: &str,
        context: &str,
    ) -> Result<SecretString> {
        match (key_id, self) {
            (None, _) => Ok(SecretString::from(stored.to_string())),
            (Some(id), Self::Encrypted(k)) => k.open(id, stored, context),
            (Some(_), Self::Plaintext) => Err(Error::config(
                KEY_ENV,
                "the store holds encrypted tokens but no key is configured",
            )),
        }
    }

    /// The key id rows should carry (`None` in plaintext mode).
    pub fn current_key_id(&self) -> Option<&str> {
        match self {
            Self::Encrypted(k) => Some(k.current_key_id()),
            Self::Plaintext => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const K1: &str = "Qn4wqYVguL93DDotLxmtxGB9vu64Zb4M4r3OJvCwFN4=";
    const K2: &str = "atEiflVK4yQnrn6zRB6ai1yJbvTaXFQNTwYCv2Oee6k=";

    #[test]
    fn sealed_tokens_open_only_for_their_row_and_column() {
        let e = TokenEncryption::with_keys(K1, &[]).unwrap();
        let secret = SecretString::from("at-123".to_string());
        let (id, sealed) = e.seal(&secret, "user:1/access").unwrap();
        assert!(!sealed.contains("at-123"));
        assert_eq!(
            e.open(id.as_deref(), &sealed, "user:1/access")
                .unwrap()
                .expose_secret(),
            "at-123"
        );
        assert!(e.open(id.as_deref(), &sealed, "user:2/access").is_err());
    }

    #[test]
    fn rotation_reads_old_keys_and_writes_the_new_one() {
        let old = TokenEncryption::with_keys(K1, &[]).unwrap();
        let (id, sealed) = old
            .seal(&SecretString::from("rt".to_string()), "c")
            .unwrap();
        let new = TokenEncryption::with_keys(K2, &[K1]).unwrap();
        assert_ne!(new.current_key_id(), id.as_deref());
        assert_eq!(
            new.open(id.as_deref(), &sealed, "c")
                .unwrap()
                .expose_secret(),
            "rt"
        );
        let only_new = TokenEncryption::with_keys(K2, &[]).unwrap();
        assert!(only_new
            .open(id.as_deref(), &sealed, "c")
            .unwrap_err()
            .to_string()
            .contains(OLD_KEYS_ENV));
    }

    #[test]
    fn missing_short_and_weak_keys_are_configuration_errors() {
        let e = TokenEncryption::from_lookup(|_| None).unwrap_err();
        assert!(e.to_string().contains(KEY_ENV) && e.to_string().contains(PLAINTEXT_ENV));
        assert!(matches!(
            TokenEncryption::from_lookup(|k| (k == PLAINTEXT_ENV).then(|| "1".into())),
            Ok(TokenEncryption::Plaintext)
        ));
        let short = base64::engine::general_purpose::STANDARD.encode([7u8; 16]);
        assert!(TokenEncryption::with_keys(short, &[])
            .unwrap_err()
            .to_string()
            .contains("32 bytes"));
        let weak = base64::engine::general_purpose::STANDARD.encode([0u8; 32]);
        assert!(TokenEncryption::with_keys(weak, &[])
            .unwrap_err()
            .to_string()
            .contains("weak"));
        assert!(TokenEncryption::with_keys("not base64!", &[]).is_err());
    }
}
