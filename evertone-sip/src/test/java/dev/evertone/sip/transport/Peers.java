package dev.evertone.sip.transport;

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
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/** Plain-socket peers for transport tests: what a phone's network stack would do, nothing more. */
final class Peers {
  private Peers() {}

  static final class Udp implements AutoCloseable {
    final DatagramSocket socket;

    Udp() throws IOException {
      socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      socket.setSoTimeout(2000);
    }

    int port() {
      return socket.getLocalPort();
    }

    void send(byte[] data, InetSocketAddress to) throws IOException {
      socket.send(new DatagramPacket(data, data.length, to));
    }

    void send(String text, InetSocketAddress to) throws IOException {
      send(text.getBytes(StandardCharsets.ISO_8859_1), to);
    }

    /** The next datagram as text, or null if none arrives within {@code millis}. */
    @Nullable String receive(int millis) throws IOException {
      socket.setSoTimeout(millis);
      byte[] buf = new byte[65536];
      DatagramPacket p = new DatagramPacket(buf, buf.length);
      try {
        socket.receive(p);
      } catch (SocketTimeoutException e) {
        return null;
      }
      return new String(Arrays.copyOf(buf, p.getLength()), StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() {
      socket.close();
    }
  }

  static final class Tcp implements AutoCloseable {
    final Socket socket;
    final InputStream in;
    final OutputStream out;

    Tcp(InetSocketAddress to) throws IOException {
      this(to, null);
    }

    /** A connection from {@code from} (a loopback address such as 127.0.0.2), or any when null. */
    Tcp(InetSocketAddress to, java.net.@org.jspecify.annotations.Nullable InetAddress from)
        throws IOException {
      socket = new Socket();
      if (from != null) {
        socket.bind(new InetSocketAddress(from, 0));
      }
      socket.connect(to, 2000);
      socket.setSoTimeout(2000);
      in = socket.getInputStream();
      out = socket.getOutputStream();
    }

    void write(String text) throws IOException {
      out.write(text.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
    }

    /** Reads until {@code count} complete messages (headers + Content-Length body) or timeout. */
    String readMessages(int count, int millis) throws IOException {
      socket.setSoTimeout(millis);
      StringBuilder sb = new StringBuilder();
      byte[] buf = new byte[8192];
      long deadline = System.currentTimeMillis() + millis;
      while (countMessages(sb.toString()) < count && System.currentTimeMillis() < deadline) {
        int n;
        try {
          n = in.read(buf);
        } catch (SocketTimeoutException e) {
          break;
        }
        if (n < 0) {
          break;
        }
        sb.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
      }
      return sb.toString();
    }

    /** Whether the server closed the connection (read returns -1) within {@code millis}. */
    boolean closedByPeer(int millis) throws IOException {
      socket.setSoTimeout(millis);
      try {
        byte[] buf = new byte[8192];
        long deadline = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < deadline) {
          if (in.read(buf) < 0) {
            return true;
          }
        }
        return false;
      } catch (SocketTimeoutException e) {
        return false;
      } catch (IOException e) {
        return true; // reset
      }
    }

    private static int countMessages(String s) {
      int n = 0;
      int i = 0;
      while ((i = s.indexOf("\r\n\r\n", i)) >= 0) {
        n++;
        i += 4;
      }
      return n;
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
