package dev.evertone.tests.support;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What a device sends back to a request of evertone's. */
public final class DeviceAnswers {
  private DeviceAnswers() {}

  /**
   * A response to {@code request}: its Via, From, To (with a tag), Call-ID and CSeq (RFC 3261
   * 8.2.6.2).
   */
  public static String answer(String request, String status) {
    StringBuilder out = new StringBuilder("SIP/2.0 " + status + "\r\n");
    for (String name : new String[] {"Via", "From", "To", "Call-ID", "CSeq"}) {
      Matcher m = Pattern.compile("(?md)^" + name + ": ([^\r]*)\r$").matcher(request);
      while (m.find()) {
        out.append(name)
            .append(": ")
            .append(m.group(1))
            .append(name.equals("To") ? ";tag=device" : "")
            .append("\r\n");
      }
    }
    return out.append("Content-Length: 0\r\n\r\n").toString();
  }
}
