//! The one HTTP client lakeops builds itself (model downloads, OpenSearch): hyper 1 over the
//! rustls the AWS SDK already brings, with the system's roots (`SSL_CERT_FILE` and
//! `SSL_CERT_DIR` are honoured), plain http:// allowed for local servers.

use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;

pub type Connector = hyper_rustls::HttpsConnector<HttpConnector>;

/// A client sending bodies of type `B`; an error when the system has no root certificates.
pub fn client<B>() -> std::io::Result<Client<Connector, B>>
where
    B: hyper::body::Body + Send,
    B::Data: Send,
{
    let connector = hyper_rustls::HttpsConnectorBuilder::new()
        .with_provider_and_native_roots(rustls::crypto::aws_lc_rs::default_provider())?
        .https_or_http()
        .enable_http1()
        .build();
    Ok(Client::builder(TokioExecutor::new()).build(connector))
}
