package dev.evertone.server;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Sends SIP text over UDP and reads what comes back. */
final class UdpClient implements AutoCloseable {
  private final DatagramSocket socket;
  private final InetSocketAddress server;

  UdpClient(InetSocketAddress server) throws IOException {
    this.server = server;
    this.socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
  }

  int port() {
    return socket.getLocalPort();
  }

  /** The message with its first Via replaced by one naming this client (so the answer comes here). */
  String viaHere(String message, boolean withBranch) {
    // the whole header, continuation lines of a folded Via included
    return message.replaceFirst("(?m)^(Via|v) *:[^\\r]*(\\r\\n[ \\t][^\\r]*)*",
        "Via: SIP/2.0/UDP 127.0.0.1:" + port() + (withBranch ? ";branch=z9hG4bK" + System.nanoTime() : "") + ";rport");
  }

  void send(String text) throws IOException {
    byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
    socket.send(new DatagramPacket(b, b.length, server));
  }

  /** The next datagram received that is not a 100 Trying, or null after {@code millis}. */
  String receive(int millis) throws IOException {
    socket.setSoTimeout(millis);
    while (true) {
      byte[] buf = new byte[65536];
      DatagramPacket p = new DatagramPacket(buf, buf.length);
      try {
        socket.receive(p);
      } catch (SocketTimeoutException e) {
        return null;
      }
      String s = new String(Arrays.copyOf(buf, p.getLength()), StandardCharsets.ISO_8859_1);
      if (!s.startsWith("SIP/2.0 100 ")) {
        return s;
      }
    }
  }

  String exchange(String text) throws IOException {
    send(text);
    return receive(3000);
  }

  @Override
  public void close() {
    socket.close();
  }
}
