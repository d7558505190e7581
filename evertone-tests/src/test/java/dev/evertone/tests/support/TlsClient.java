package dev.evertone.tests.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.jspecify.annotations.Nullable;

/**
 * A SIP client on one persistent TLS connection, as a desk phone keeps it: verifies the server's
 * chain against the given root and its name against the host asked for (SNI), then exchanges
 * requests.
 */
public final class TlsClient implements SipTestClient, AutoCloseable {
  private static final Pattern CONTENT_LENGTH =
      Pattern.compile("(?im)^(?:Content-Length|l)\\s*:\\s*(\\d+)");
  private final SSLSocket socket;
  private final InputStream in;

  public TlsClient(InetSocketAddress server, String host, X509Certificate trustedRoot)
      throws IOException {
    this(server, host, context(trustedRoot, null, null));
  }

  /** A device that presents its own certificate (tls.client-auth). */
  public TlsClient(
      InetSocketAddress server,
      String host,
      X509Certificate trustedRoot,
      PrivateKey deviceKey,
      X509Certificate deviceCertificate)
      throws IOException {
    this(server, host, context(trustedRoot, deviceKey, deviceCertificate));
  }

  private TlsClient(InetSocketAddress server, String host, SSLContext context) throws IOException {
    Socket plain = new Socket();
    plain.connect(server, 5000);
    plain.setSoTimeout(10_000);
    socket =
        (SSLSocket) context.getSocketFactory().createSocket(plain, host, server.getPort(), true);
    SSLParameters params = socket.getSSLParameters();
    params.setServerNames(List.of(new SNIHostName(host)));
    params.setEndpointIdentificationAlgorithm(
        "HTTPS"); // RFC 5922: the certificate must name the domain
    socket.setSSLParameters(params);
    socket.startHandshake();
    in = socket.getInputStream();
  }

  public static SSLContext context(X509Certificate trustedRoot) {
    return context(trustedRoot, null, null);
  }

  private static SSLContext context(
      X509Certificate trustedRoot,
      @Nullable PrivateKey deviceKey,
      @Nullable X509Certificate deviceCertificate) {
    try {
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("root", trustedRoot);
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      KeyManager[] keyManagers = null;
      if (deviceKey != null) {
        KeyStore own = KeyStore.getInstance("PKCS12");
        own.load(null, null);
        own.setKeyEntry(
            "device", deviceKey, "x".toCharArray(), new X509Certificate[] {deviceCertificate});
        KeyManagerFactory kmf =
            KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(own, "x".toCharArray());
        keyManagers = kmf.getKeyManagers();
      }
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(keyManagers, tmf.getTrustManagers(), null);
      return ctx;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The certificate the server presented in this connection's handshake. */
  public X509Certificate serverCertificate() throws IOException {
    return (X509Certificate) socket.getSession().getPeerCertificates()[0];
  }

  @Override
  public int port() {
    return socket.getLocalPort();
  }

  @Override
  public String transport() {
    return "TLS";
  }

  public boolean isOpen() {
    return !socket.isClosed();
  }

  /** Sends one message (a response to a request of the server, say). */
  public void send(String text) throws IOException {
    socket.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
    socket.getOutputStream().flush();
  }

  /** Sends a request and returns the first final response (100 Trying skipped). */
  @Override
  public @Nullable String exchange(String text) throws IOException {
    socket.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
    socket.getOutputStream().flush();
    while (true) {
      String message = next();
      if (message == null || !message.startsWith("SIP/2.0 1")) {
        return message;
      }
    }
  }

  /** One message from the stream; fails the test when the server closed it. */
  public String read() throws IOException {
    String m = next();
    if (m == null) {
      throw new AssertionError("the server closed the connection");
    }
    return m;
  }

  /** One message from the stream, or null when the server closed it. */
  private @Nullable String next() throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        return null;
      }
      if (head.size() == 0 && (b == '\r' || b == '\n')) {
        continue; // keep-alive pongs
      }
      head.write(b);
      matched =
          (b == '\r' && (matched == 0 || matched == 2))
                  || (b == '\n' && (matched == 1 || matched == 3))
              ? matched + 1
              : 0;
    }
    String headers = head.toString(StandardCharsets.UTF_8);
    Matcher m = CONTENT_LENGTH.matcher(headers);
    byte[] body = m.find() ? in.readNBytes(Integer.parseInt(m.group(1))) : new byte[0];
    return headers + new String(body, StandardCharsets.UTF_8);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
