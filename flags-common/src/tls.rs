//! TLS for reqwest's client, which only REMOTE (`https://`) needs: the operating system's own
//! certificate checks (`rustls-platform-verifier`, reqwest's default), set up on the first https
//! handshake instead of when the client is built.
//!
//! Built by reqwest itself, the verifier reads every root certificate of the system at once: on
//! Linux, hundreds of files under `/etc/ssl/certs`, about 2 ms, most of a LOCAL run's start-up,
//! spent for a run that never leaves plain `http://`. ureq's clients pay nothing of the kind:
//! their roots are compiled in and made ready on first use.

use std::sync::{Arc, OnceLock};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use rustls_platform_verifier::Verifier;

/// The TLS settings for reqwest's `ClientBuilder::tls_backend_preconfigured`: rustls with ring,
/// its safe default protocol versions, and the system's certificate checks, made when first
/// needed.
pub(crate) fn tls_config() -> rustls::ClientConfig {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = Arc::new(LazyVerifier::new(provider.clone()));
    rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("ring supports the default TLS versions")
        .dangerous() // rustls's word for "a verifier of one's own": this one is the system's
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth()
}

/// The platform's verifier, made on the first certificate to check; it answers every question
/// in its place.
#[derive(Debug)]
struct LazyVerifier {
    provider: Arc<CryptoProvider>,
    verifier: OnceLock<Result<Verifier, rustls::Error>>,
}

impl LazyVerifier {
    fn new(provider: Arc<CryptoProvider>) -> LazyVerifier {
        LazyVerifier {
            provider,
            verifier: OnceLock::new(),
        }
    }

    /// The platform's verifier, made now if it is the first call; its error if it could not be.
    fn get(&self) -> Result<&Verifier, rustls::Error> {
        self.verifier
            .get_or_init(|| Verifier::new(self.provider.clone()))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// Whether the platform's verifier was made (for the tests).
    #[cfg(test)]
    fn made(&self) -> bool {
        self.verifier.get().is_some()
    }
}

impl ServerCertVerifier for LazyVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        self.get()?
            .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.get()?.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.get()?.verify_tls13_signature(message, cert, dss)
    }

    /// Asked when a handshake starts, before any certificate: the provider knows, as the
    /// platform's verifier would say.
    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_system_certificates_wait_for_the_first_check() {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let lazy = LazyVerifier::new(provider.clone());
        assert!(!lazy.supported_verify_schemes().is_empty());
        assert!(!lazy.made(), "asking for the schemes made the verifier");
        // A certificate that is not one: the platform's verifier is made, and refuses it.
        let name = ServerName::try_from("example.org").unwrap();
        let bogus = CertificateDer::from(vec![0x30, 0x03, 0x02, 0x01, 0x01]);
        let checked = lazy.verify_server_cert(&bogus, &[], &name, &[], UnixTime::now());
        assert!(checked.is_err());
        assert!(lazy.made());
        // Both report the same schemes.
        let made = Verifier::new(provider).unwrap();
        assert_eq!(
            made.supported_verify_schemes(),
            lazy.supported_verify_schemes()
        );
    }

    #[test]
    fn reqwest_takes_the_settings() {
        let client = reqwest::Client::builder()
            .tls_backend_preconfigured(tls_config())
            .build();
        assert!(client.is_ok(), "{client:?}");
    }
}
