package dev.evertone.registrar;

import dev.evertone.sip.header.AuthHeader;
import dev.evertone.sip.message.SipResponse;
import dev.evertone.sip.parser.ParseLimits;
import dev.evertone.sip.parser.SipParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A SIP phone for tests: builds REGISTERs, answers digest challenges with its own code (not
 * evertone's), over UDP or TCP from a chosen local address.
 */
final class TestPhone implements AutoCloseable {
  private static final SipParser PARSER = new SipParser(ParseLimits.DEFAULT);

  final String user;
  final String domain;
  String password;
  String algorithm = "MD5";
  String callId = UUID.randomUUID() + "@test";
  long cseq;
  private final InetSocketAddress server;
  private final boolean tcp;
  private final @Nullable DatagramSocket udpSocket;
  private final @Nullable Socket tcpSocket;
  private @Nullable String lastAuthorization;
  private int nc;

  TestPhone(
      InetSocketAddress server,
      boolean tcp,
      String localIp,
      String user,
      String domain,
      String password)
      throws IOException {
    this.server = server;
    this.tcp = tcp;
    this.user = user;
    this.domain = domain;
    this.password = password;
    if (tcp) {
      Socket socket = new Socket();
      socket.bind(new InetSocketAddress(InetAddress.getByName(localIp), 0));
      socket.connect(server, 2000);
      socket.setSoTimeout(3000);
      tcpSocket = socket;
      udpSocket = null;
    } else {
      DatagramSocket socket =
          new DatagramSocket(new InetSocketAddress(InetAddress.getByName(localIp), 0));
      socket.setSoTimeout(3000);
      udpSocket = socket;
      tcpSocket = null;
    }
  }

  static TestPhone udp(InetSocketAddress server, String user, String domain, String password)
      throws IOException {
    return new TestPhone(server, false, "127.0.0.1", user, domain, password);
  }

  private Socket tcp() {
    return Objects.requireNonNull(tcpSocket, "a UDP phone has no connection");
  }

  private DatagramSocket udp() {
    return Objects.requireNonNull(udpSocket, "a TCP phone has no UDP socket");
  }

  int localPort() {
    return tcp ? tcp().getLocalPort() : udp().getLocalPort();
  }

  String localIp() {
    return tcp
        ? tcp().getLocalAddress().getHostAddress()
        : udp().getLocalAddress().getHostAddress();
  }

  String contact() {
    return "<sip:" + user + "@" + localIp() + ":" + localPort() + ">";
  }

  /**
   * REGISTER with the given Contact values (none: a fetch) and Expires (null: no header), answering
   * one challenge.
   */
  SipResponse register(List<String> contacts, @Nullable Integer expires, String... extra)
      throws IOException {
    SipResponse first = send(request(contacts, expires, null, extra));
    if (first.status() != 401) {
      return first;
    }
    return send(request(contacts, expires, authorize(first), extra));
  }

  /** REGISTER with this phone's own contact. */
  SipResponse register(int expires) throws IOException {
    return register(List.of(contact()), expires);
  }

  String request(
      List<String> contacts,
      @Nullable Integer expires,
      @Nullable String authorization,
      String... extra) {
    cseq++;
    StringBuilder r =
        new StringBuilder()
            .append("REGISTER sip:")
            .append(domain)
            .append(" SIP/2.0\r\n")
            .append("Via: SIP/2.0/")
            .append(tcp ? "TCP" : "UDP")
            .append(' ')
            .append(localIp())
            .append(':')
            .append(localPort())
            .append(";branch=z9hG4bK")
            .append(UUID.randomUUID().toString().replace("-", ""))
            .append(";rport\r\n")
            .append("Max-Forwards: 70\r\n")
            .append("From: <sip:")
            .append(user)
            .append('@')
            .append(domain)
            .append(">;tag=")
            .append(Long.toHexString(cseq * 7919))
            .append("\r\n")
            .append("To: <sip:")
            .append(user)
            .append('@')
            .append(domain)
            .append(">\r\n")
            .append("Call-ID: ")
            .append(callId)
            .append("\r\n")
            .append("CSeq: ")
            .append(cseq)
            .append(" REGISTER\r\n")
            .append("User-Agent: evertone-test-phone\r\n");
    for (String c : contacts) {
      r.append("Contact: ").append(c).append("\r\n");
    }
    if (expires != null) {
      r.append("Expires: ").append(expires).append("\r\n");
    }
    if (authorization != null) {
      r.append("Authorization: ").append(authorization).append("\r\n");
    }
    for (String e : extra) {
      r.append(e).append("\r\n");
    }
    return r.append("Content-Length: 0\r\n\r\n").toString();
  }

  /** The Authorization for a 401, computed here from the challenge of this phone's algorithm. */
  String authorize(SipResponse challenge) {
    AuthHeader chosen = null;
    for (AuthHeader h : challenge.authHeaders("WWW-Authenticate")) {
      String a = h.param("algorithm");
      if (algorithm.equalsIgnoreCase(a == null ? "MD5" : a)) {
        chosen = h;
      }
    }
    if (chosen == null) {
      throw new IllegalStateException("no " + algorithm + " challenge in " + challenge);
    }
    String realm = chosen.param("realm");
    String nonce = chosen.param("nonce");
    String uri = "sip:" + domain;
    String cnonce = "c" + Integer.toHexString(nc + 1000);
    String ncText = String.format("%08x", ++nc);
    String ha1 = h(user + ":" + realm + ":" + password);
    String ha2 = h("REGISTER:" + uri);
    String response = h(ha1 + ":" + nonce + ":" + ncText + ":" + cnonce + ":auth:" + ha2);
    String authorization =
        "Digest username=\""
            + user
            + "\", realm=\""
            + realm
            + "\", nonce=\""
            + nonce
            + "\", uri=\""
            + uri
            + "\", response=\""
            + response
            + "\", algorithm="
            + algorithm
            + ", qop=auth, nc="
            + ncText
            + ", cnonce=\""
            + cnonce
            + "\"";
    lastAuthorization = authorization;
    return authorization;
  }

  String lastAuthorization() {
    return Objects.requireNonNull(lastAuthorization, "authorize first");
  }

  private String h(String s) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance(algorithm).digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Sends raw text, returns the final response. */
  SipResponse send(String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
    if (tcp) {
      OutputStream out = tcp().getOutputStream();
      out.write(bytes);
      out.flush();
      return readTcp();
    }
    udp().send(new DatagramPacket(bytes, bytes.length, server));
    while (true) {
      byte[] buf = new byte[65536];
      DatagramPacket p = new DatagramPacket(buf, buf.length);
      udp().receive(p);
      SipResponse r = (SipResponse) PARSER.parse(Arrays.copyOf(buf, p.getLength()));
      if (r.status() >= 200) {
        return r;
      }
    }
  }

  /** Whether any datagram arrives within {@code millis}. */
  boolean receivesNothing(int millis) throws IOException {
    udp().setSoTimeout(millis);
    try {
      udp().receive(new DatagramPacket(new byte[65536], 65536));
      return false;
    } catch (SocketTimeoutException e) {
      return true;
    } finally {
      udp().setSoTimeout(3000);
    }
  }

  private final List<Byte> tcpBuffer = new ArrayList<>();

  private SipResponse readTcp() throws IOException {
    InputStream in = tcp().getInputStream();
    byte[] buf = new byte[8192];
    while (true) {
      String text = bufferText();
      int end = text.indexOf("\r\n\r\n");
      if (end >= 0) {
        int cl = 0;
        for (String line : text.substring(0, end).split("\r\n", -1)) {
          if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
            cl = Integer.parseInt(line.substring(15).trim());
          }
        }
        int total = end + 4 + cl;
        if (text.length() >= total) {
          String msg = text.substring(0, total);
          for (int i = 0; i < total; i++) {
            tcpBuffer.remove(0);
          }
          SipResponse r = (SipResponse) PARSER.parse(msg.getBytes(StandardCharsets.ISO_8859_1));
          if (r.status() >= 200) {
            return r;
          }
          continue;
        }
      }
      int n = in.read(buf);
      if (n < 0) {
        throw new IOException("connection closed");
      }
      for (int i = 0; i < n; i++) {
        tcpBuffer.add(buf[i]);
      }
    }
  }

  private String bufferText() {
    byte[] b = new byte[tcpBuffer.size()];
    for (int i = 0; i < b.length; i++) {
      b[i] = tcpBuffer.get(i);
    }
    return new String(b, StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() throws IOException {
    if (tcp) {
      tcp().close();
    } else {
      udp().close();
    }
  }
}
