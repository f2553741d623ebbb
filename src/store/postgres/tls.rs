//! TLS to a PostgreSQL server (issue 14): rustls with the ring provider, set up as libpq's
//! `sslmode` asks.
//! - `require` encrypts; like libpq it also checks the chain when a root certificate was
//!   given or `~/.postgresql/root.crt` exists (then it is `verify-ca`).
//! - `verify-ca` checks the chain against the root certificates.
//! - `verify-full` (the default for a host that is not this machine) also checks that the
//!   certificate names the host the URL names.
//!
//! The roots are `sslrootcert` in the URL, else `PGSSLROOTCERT`, else `~/.postgresql/root.crt`;
//! `sslrootcert=system` trusts the platform's roots. A client certificate is `sslcert` and
//! `sslkey` (else `PGSSLCERT`/`PGSSLKEY`, else `~/.postgresql/postgresql.crt` and `.key` when
//! both exist); the key must be private to its owner, as libpq demands.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, verify_tls12_signature, verify_tls13_signature};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use tokio_postgres_rustls::MakeRustlsConnect;

use crate::i18n::localize::Message;

/// How a connection is secured: libpq's `sslmode` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SslMode {
    /// No TLS (`disable`, `allow`, `prefer`): allowed for a Unix socket or loopback only.
    Off,
    Require,
    VerifyCa,
    VerifyFull,
}

impl SslMode {
    pub fn parse(s: &str) -> Option<SslMode> {
        match s {
            "disable" | "allow" | "prefer" => Some(SslMode::Off),
            "require" => Some(SslMode::Require),
            "verify-ca" => Some(SslMode::VerifyCa),
            "verify-full" => Some(SslMode::VerifyFull),
            _ => None,
        }
    }

    pub fn checks_the_certificate(self) -> bool {
        matches!(self, SslMode::VerifyCa | SslMode::VerifyFull)
    }
}

/// Whom to trust for the server's certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Roots {
    /// Any certificate (`require` with no root certificate at hand).
    Any,
    /// The certificates in a PEM file.
    File(PathBuf),
    /// The platform's trusted roots (`sslrootcert=system`).
    System,
}

/// What the location asked for, resolved to files.
#[derive(Debug, Clone)]
pub struct TlsSettings {
    pub mode: SslMode,
    pub roots: Roots,
    /// The client certificate chain and its key, both PEM.
    pub client: Option<(PathBuf, PathBuf)>,
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

fn file_error(path: &Path, why: impl std::fmt::Display) -> Message {
    crate::msg!("message.pg_tls_file", path = path.display().to_string(), why = why.to_string())
}

fn load_roots(roots: &Roots) -> Result<RootCertStore, Message> {
    let mut store = RootCertStore::empty();
    match roots {
        Roots::Any => {}
        Roots::File(path) => {
            let certs = CertificateDer::pem_file_iter(path).map_err(|e| file_error(path, e))?;
            for cert in certs {
                let cert = cert.map_err(|e| file_error(path, e))?;
                store.add(cert).map_err(|e| file_error(path, e))?;
            }
            if store.is_empty() {
                return Err(file_error(path, "no certificate in it"));
            }
        }
        Roots::System => {
            let found = rustls_native_certs::load_native_certs();
            for cert in found.certs {
                // One unreadable root among the platform's is skipped, as libpq's OpenSSL does.
                let _ = store.add(cert);
            }
            if store.is_empty() {
                return Err(file_error(Path::new("sslrootcert=system"), "the system has no trusted roots"));
            }
        }
    }
    Ok(store)
}

/// Whether only the owner may read `path` (libpq refuses a client key anyone else can read).
#[cfg(unix)]
fn is_private(path: &Path) -> std::io::Result<bool> {
    use std::os::unix::fs::PermissionsExt;
    let others_may_read = std::fs::metadata(path)?.permissions().mode() & 0o077 != 0;
    Ok(!others_may_read)
}

#[cfg(not(unix))]
fn is_private(_path: &Path) -> std::io::Result<bool> {
    Ok(true)
}

/// The connector for `settings` (whose mode is not [`SslMode::Off`]). Every file is read
/// here, so a missing or bad one is named before any connection is tried.
pub fn connector(settings: &TlsSettings) -> Result<MakeRustlsConnect, Message> {
    let provider = provider();
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| crate::msg!("message.pg_tls_setup", why = e.to_string()))?;
    let verifier: Arc<dyn ServerCertVerifier> = if settings.roots == Roots::Any {
        Arc::new(Verifier { check: Unchecked, provider })
    } else {
        let roots = load_roots(&settings.roots)?;
        let webpki = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
            .build()
            .map_err(|e| crate::msg!("message.pg_tls_setup", why = e.to_string()))?;
        if settings.mode == SslMode::VerifyFull {
            webpki
        } else {
            Arc::new(Verifier { check: ChainOnly(webpki), provider })
        }
    };
    let builder = builder.dangerous().with_custom_certificate_verifier(verifier);
    let config = match &settings.client {
        None => builder.with_no_client_auth(),
        Some((cert, key)) => {
            let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert)
                .map_err(|e| file_error(cert, e))?
                .collect::<Result<_, _>>()
                .map_err(|e| file_error(cert, e))?;
            if chain.is_empty() {
                return Err(file_error(cert, "no certificate in it"));
            }
            if !is_private(key).map_err(|e| file_error(key, e))? {
                return Err(crate::msg!("message.pg_key_private", path = key.display().to_string()));
            }
            let private = PrivateKeyDer::from_pem_file(key).map_err(|e| file_error(key, e))?;
            builder.with_client_auth_cert(chain, private).map_err(|e| file_error(cert, e))?
        }
    };
    Ok(MakeRustlsConnect::new(config))
}

/// What a verifier decides about the server's certificate. The handshake's signatures are
/// checked by [`Verifier`] with the provider's algorithms, alike for every mode.
trait CertCheck: std::fmt::Debug + Send + Sync {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error>;
}

/// A rustls verifier: the certificate as `C` decides, the signatures by the provider's
/// algorithms (as rustls's own `WebPkiServerVerifier` checks them).
#[derive(Debug)]
struct Verifier<C> {
    check: C,
    provider: Arc<CryptoProvider>,
}

impl<C: CertCheck> ServerCertVerifier for Verifier<C> {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        self.check.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider.signature_verification_algorithms.supported_schemes()
    }
}

/// `require` without roots: any certificate (the handshake's signatures are still checked,
/// so the session is encrypted to whoever holds the certificate's key).
#[derive(Debug)]
struct Unchecked;

impl CertCheck for Unchecked {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }
}

/// `verify-ca`: the chain to a trusted root, whatever host the certificate names.
#[derive(Debug)]
struct ChainOnly(Arc<WebPkiServerVerifier>);

impl CertCheck for ChainOnly {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        match self.0.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now) {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }
}
