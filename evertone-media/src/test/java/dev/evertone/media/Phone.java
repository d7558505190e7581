package dev.evertone.media;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/** A plain UDP socket on loopback playing a phone's media port, and the RTP it sends. */
final class Phone implements AutoCloseable {
  final DatagramSocket socket;

  Phone(String host) throws IOException {
    socket = new DatagramSocket(new InetSocketAddress(host, 0));
    socket.setSoTimeout(2000);
  }

  InetSocketAddress address() {
    return (InetSocketAddress) socket.getLocalSocketAddress();
  }

  void send(byte[] datagram, InetSocketAddress to) throws IOException {
    socket.send(new DatagramPacket(datagram, datagram.length, to));
  }

  /** The next datagram; fails the test after two seconds. */
  DatagramPacket receive() throws IOException {
    byte[] buffer = new byte[2048];
    DatagramPacket p = new DatagramPacket(buffer, buffer.length);
    socket.receive(p);
    return p;
  }

  byte[] receiveBytes() throws IOException {
    DatagramPacket p = receive();
    return Arrays.copyOf(p.getData(), p.getLength());
  }

  /** The next datagram within {@code millis}, or null. */
  @Nullable DatagramPacket receiveWithin(int millis) throws IOException {
    socket.setSoTimeout(millis);
    try {
      return receive();
    } catch (SocketTimeoutException e) {
      return null;
    } finally {
      socket.setSoTimeout(2000);
    }
  }

  @Override
  public void close() {
    socket.close();
  }

  /** An RTP packet (RFC 3550 5.1): version 2, no padding, extension or CSRC. */
  static byte[] rtp(int payloadType, int seq, long timestamp, int ssrc, byte[] payload) {
    return ByteBuffer.allocate(12 + payload.length)
        .put((byte) 0x80)
        .put((byte) payloadType)
        .putShort((short) seq)
        .putInt((int) timestamp)
        .putInt(ssrc)
        .put(payload)
        .array();
  }

  /** A PCMU packet of the 1 kHz tone: 20 ms, 160 samples. */
  static byte[] tone(int seq, int ssrc) {
    return rtp(0, seq, 160L * seq, ssrc, TONE_20MS);
  }

  /** An RTCP receiver report with no report blocks (RFC 3550 6.4.2). */
  static byte[] emptyReceiverReport(int ssrc) {
    return ByteBuffer.allocate(8)
        .put((byte) 0x80)
        .put((byte) 201)
        .putShort((short) 1)
        .putInt(ssrc)
        .array();
  }

  /** 20 ms of a 1 kHz sine at 8 kHz, half of full scale, G.711 mu-law coded. */
  static final byte[] TONE_20MS = new byte[160];

  static {
    for (int n = 0; n < 160; n++) {
      TONE_20MS[n] = ulaw((int) Math.round(16_000 * Math.sin(2 * Math.PI * 1000 * n / 8000.0)));
    }
  }

  /** G.711 mu-law: sign, 3-bit segment, 4-bit step, inverted (ITU-T G.711 table 2). */
  static byte ulaw(int sample) {
    int sign = sample < 0 ? 0x80 : 0;
    int magnitude = Math.min(Math.abs(sample), 32_635) + 0x84;
    int segment = 7;
    for (int mask = 0x4000; (magnitude & mask) == 0 && segment > 0; mask >>= 1) {
      segment--;
    }
    int step = (magnitude >> (segment + 3)) & 0x0f;
    return (byte) ~(sign | (segment << 4) | step);
  }
}
