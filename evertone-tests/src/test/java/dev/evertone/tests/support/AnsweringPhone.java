package dev.evertone.tests.support;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A phone that answers calls, written out for tests that must hear what reaches a phone across
 * re-INVITEs (baresip's sndfile dump stops at a phone's first re-INVITE): it registers over UDP,
 * answers every INVITE (and re-INVITE) with G.711 µ-law SDP mirroring the offer's direction (RFC
 * 3264 6.1), sends a tone every 20 ms to where the last SDP it got says, and keeps every µ-law
 * frame it receives, decoded, with its arrival time.
 */
public final class AnsweringPhone implements AutoCloseable {
  /** One frame heard: when (ms since the phone started) and its samples. */
  public static final class Frame {
    private final long atMillis;
    private final short[] samples;

    Frame(long atMillis, short[] samples) {
      this.atMillis = atMillis;
      this.samples = samples;
    }

    public long atMillis() {
      return atMillis;
    }

    public short[] samples() {
      return samples.clone();
    }
  }

  private final UdpClient sip;
  private final DatagramSocket rtp;
  private final int toneHz;
  private final long start = System.nanoTime();
  private final List<Frame> heard = new ArrayList<>();
  private final List<String> requests = new ArrayList<>();
  private volatile @Nullable InetSocketAddress remote;
  private volatile boolean sending = true;
  private volatile boolean running = true;
  private final Thread signalling;
  private final Thread media;
  private final Thread tone;

  public AnsweringPhone(UdpClient sip, int toneHz) throws IOException {
    this.sip = sip;
    this.toneHz = toneHz;
    this.rtp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    rtp.setSoTimeout(200);
    this.signalling = new Thread(this::answer, "answering-phone-sip");
    this.media = new Thread(this::listen, "answering-phone-rtp");
    this.tone = new Thread(this::speak, "answering-phone-tone");
    for (Thread t : new Thread[] {signalling, media, tone}) {
      t.setDaemon(true); // a failed test that never closes it does not keep the JVM alive
      t.start();
    }
  }

  /** What it heard so far, in order of arrival. */
  public synchronized List<Frame> heard() {
    return List.copyOf(heard);
  }

  /** The requests it received, in order (for a failing test's message). */
  public synchronized List<String> requests() {
    return List.copyOf(requests);
  }

  private void answer() {
    while (running) {
      try {
        String m = sip.poll(200);
        if (m == null || m.startsWith("SIP/2.0")) {
          continue;
        }
        synchronized (this) {
          requests.add(m.substring(0, m.indexOf("\r\n")));
        }
        if (m.startsWith("INVITE ")) {
          String body = m.substring(m.indexOf("\r\n\r\n") + 4);
          Matcher c = Pattern.compile("c=IN IP4 ([0-9.]+)").matcher(body);
          Matcher port = Pattern.compile("m=audio ([0-9]+)").matcher(body);
          if (c.find() && port.find()) {
            remote =
                new InetSocketAddress(
                    InetAddress.getByAddress(ipv4(c.group(1))), Integer.parseInt(port.group(1)));
          }
          String direction = "sendrecv";
          if (body.contains("a=sendonly")) {
            direction = "recvonly";
          } else if (body.contains("a=inactive")) {
            direction = "inactive";
          } else if (body.contains("a=recvonly")) {
            direction = "sendonly";
          }
          sending = direction.equals("sendrecv") || direction.equals("sendonly");
          String sdp =
              "v=0\r\no=- 1 "
                  + System.nanoTime()
                  + " IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio "
                  + rtp.getLocalPort()
                  + " RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na="
                  + direction
                  + "\r\n";
          String ok = CallingPhone.answer(m, "200 OK", sip);
          sip.send(
              ok.replace(
                  "Content-Length: 0\r\n\r\n",
                  "Content-Type: application/sdp\r\nContent-Length: "
                      + sdp.length()
                      + "\r\n\r\n"
                      + sdp));
        } else if (!m.startsWith("ACK ")) {
          sip.send(CallingPhone.answer(m, "200 OK", sip)); // BYE, INFO, OPTIONS...
          if (m.startsWith("BYE ")) {
            sending = false;
          }
        }
      } catch (IOException | RuntimeException e) {
        if (running) {
          synchronized (this) {
            requests.add("error: " + e);
          }
        }
      }
    }
  }

  private void listen() {
    byte[] buffer = new byte[2048];
    while (running) {
      DatagramPacket p = new DatagramPacket(buffer, buffer.length);
      try {
        rtp.receive(p);
      } catch (SocketTimeoutException e) {
        continue;
      } catch (IOException e) {
        return;
      }
      if (p.getLength() < 12 + 160 || (buffer[1] & 0x7f) != 0) {
        continue; // not a 20 ms µ-law frame
      }
      short[] samples = new short[160];
      for (int i = 0; i < 160; i++) {
        samples[i] = ulaw(buffer[12 + i]);
      }
      synchronized (this) {
        heard.add(new Frame((System.nanoTime() - start) / 1_000_000, samples));
      }
    }
  }

  private void speak() {
    int seq = 0;
    long next = System.nanoTime();
    while (running) {
      InetSocketAddress to = remote;
      if (to != null && sending) {
        ByteBuffer b = ByteBuffer.allocate(172).put((byte) 0x80).put((byte) 0);
        b.putShort((short) seq).putInt(seq * 160).putInt(0x5eed);
        for (int i = 0; i < 160; i++) {
          double v = 12_000 * Math.sin(2 * Math.PI * toneHz * (seq * 160 + i) / 8000.0);
          b.put(linearToUlaw((int) v));
        }
        try {
          rtp.send(new DatagramPacket(b.array(), 172, to));
        } catch (IOException e) {
          return;
        }
        seq++;
      }
      next += 20_000_000;
      long wait = next - System.nanoTime();
      if (wait > 0) {
        try {
          Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  private static byte[] ipv4(String text) {
    String[] parts = text.split("\\.", -1);
    byte[] out = new byte[4];
    for (int i = 0; i < 4; i++) {
      out[i] = (byte) Integer.parseInt(parts[i]);
    }
    return out;
  }

  /** G.711 µ-law, as ITU-T G.711 gives it (written out here: the test checks evertone's). */
  private static short ulaw(byte code) {
    int u = ~code & 0xff;
    int t = ((u & 0x0f) << 3) + 0x84;
    t <<= (u & 0x70) >> 4;
    return (short) ((u & 0x80) != 0 ? 0x84 - t : t - 0x84);
  }

  private static byte linearToUlaw(int sample) {
    int sign = sample < 0 ? 0x80 : 0;
    int s = Math.min(Math.abs(sample), 32_635) + 0x84;
    int exponent = 7;
    for (int mask = 0x4000; (s & mask) == 0 && exponent > 0; mask >>= 1) {
      exponent--;
    }
    return (byte) ~(sign | (exponent << 4) | ((s >> (exponent + 3)) & 0x0f));
  }

  @Override
  public void close() {
    running = false;
    try {
      signalling.join(2000);
      media.join(2000);
      tone.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    rtp.close();
  }
}
