package dev.evertone.provisioning.template;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.QuoteMode;

/**
 * Writes rows in the template format that {@link TemplateReader} reads: an export is an import
 * file. CSV quotes only what needs it (RFC 4180), so that a secret with commas, quotes or line
 * breaks survives.
 */
public final class TemplateWriter {
  /** The {@code format} of a JSON export. */
  public static final String JSON_FORMAT = "evertone-devices/1";

  private TemplateWriter() {}

  /** One row to write: the value of each column it has. */
  public record Row(Map<Column, String> values) {
    @Override
    public String toString() {
      return "Row[secret=(hidden)]";
    }
  }

  public static void write(
      Format format, List<String> domains, List<Row> rows, Instant exportedAt, OutputStream out) {
    try {
      if (format == Format.CSV) {
        csv(rows, out);
      } else {
        json(domains, rows, exportedAt, out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void csv(List<Row> rows, OutputStream out) throws IOException {
    Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
    CSVFormat format =
        CSVFormat.RFC4180
            .builder()
            .setQuoteMode(QuoteMode.MINIMAL)
            .setRecordSeparator("\r\n")
            .get();
    CSVPrinter printer = new CSVPrinter(w, format);
    Column[] columns = Column.values();
    for (Column c : columns) {
      printer.print(c.header());
    }
    printer.println();
    for (Row r : rows) {
      for (Column c : columns) {
        String v = r.values().get(c);
        printer.print(v == null ? "" : v);
      }
      printer.println();
    }
    printer.flush();
  }

  private static void json(
      List<String> domains, List<Row> rows, Instant exportedAt, OutputStream out)
      throws IOException {
    try (JsonGenerator g = new JsonFactory().createGenerator(out)) {
      g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET); // the caller owns the stream
      g.useDefaultPrettyPrinter();
      g.writeStartObject();
      g.writeStringField("format", JSON_FORMAT);
      g.writeStringField("exported_at", exportedAt.toString());
      g.writeArrayFieldStart("domains");
      for (String d : domains) {
        g.writeString(d);
      }
      g.writeEndArray();
      g.writeArrayFieldStart("rows");
      for (Row r : rows) {
        g.writeStartObject();
        for (Column c : Column.values()) {
          String v = r.values().get(c);
          if (v != null) {
            if (c == Column.LINE) {
              g.writeNumberField(c.header(), Integer.parseInt(v));
            } else {
              g.writeStringField(c.header(), v);
            }
          }
        }
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    }
  }
}
