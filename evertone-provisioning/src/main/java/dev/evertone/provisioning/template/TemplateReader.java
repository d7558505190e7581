package dev.evertone.provisioning.template;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Reads a device template file into rows, checking its form: encoding (UTF-8), quoting (RFC 4180),
 * the header (known columns, none twice), the number of fields of each row, and the size limits.
 * What the values mean is checked afterwards, against what is stored. Errors name the line, row and
 * column.
 */
public final class TemplateReader {
  private static final Pattern CSV_LINE = Pattern.compile("\\((?:startline|line) (\\d+)\\)");
  private static final JsonFactory JSON = JsonFactory.builder().build();

  private final TemplateLimits limits;

  public TemplateReader(TemplateLimits limits) {
    this.limits = limits;
  }

  /** The rows of a file, or {@link TemplateException} with every error of its form. */
  public TemplateFile read(byte[] content, Format format) {
    if (content.length > limits.maxBytes()) {
      throw new TemplateException(
          new RowError(
              0,
              0,
              null,
              "the file has "
                  + content.length
                  + " bytes, more than the limit of "
                  + limits.maxBytes()
                  + "; split it, or raise provisioning.import.max-bytes"));
    }
    String text = decode(content);
    return format == Format.CSV ? csv(text) : json(text);
  }

  /**
   * Strict UTF-8: a byte sequence that is not UTF-8 is an error that names its line, not a
   * replacement character.
   */
  static String decode(byte[] content) {
    int start = 0;
    if (content.length >= 2
        && ((content[0] == (byte) 0xFE && content[1] == (byte) 0xFF)
            || (content[0] == (byte) 0xFF && content[1] == (byte) 0xFE))) {
      throw new TemplateException(new RowError(1, 0, null, "the file is UTF-16; save it as UTF-8"));
    }
    if (content.length >= 3
        && content[0] == (byte) 0xEF
        && content[1] == (byte) 0xBB
        && content[2] == (byte) 0xBF) {
      start = 3; // a byte order mark, as spreadsheet programs write
    }
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(content, start, content.length - start);
    CharBuffer out = CharBuffer.allocate(content.length);
    CoderResult result = decoder.decode(in, out, true);
    if (result.isError()) {
      int at = in.position();
      int line = 1;
      int lineStart = 0;
      for (int i = 0; i < at; i++) {
        if (content[i] == '\n') {
          line++;
          lineStart = i + 1;
        }
      }
      throw new TemplateException(
          new RowError(
              line,
              0,
              null,
              String.format(
                  "not valid UTF-8 (byte 0x%02x at byte %d of the line); save the file as UTF-8",
                  content[at] & 0xff, at - lineStart + 1)));
    }
    decoder.flush(out);
    out.flip();
    return out.toString();
  }

  private TemplateFile csv(String text) {
    int[] lineStarts = lineStarts(text);
    List<RowError> errors = new ArrayList<>();
    List<TemplateRow> rows = new ArrayList<>();
    CSVFormat format = CSVFormat.RFC4180.builder().setIgnoreEmptyLines(true).get();
    try (CSVParser parser = CSVParser.parse(new StringReader(text), format)) {
      Iterator<CSVRecord> records = parser.iterator();
      if (!records.hasNext()) {
        throw new TemplateException(
            new RowError(
                1, 0, null, "the file is empty; it needs a header row: " + Column.headerLine()));
      }
      CSVRecord headerRecord = records.next();
      Column[] header =
          header(headerRecord, lineOf(lineStarts, headerRecord.getCharacterPosition()), errors);
      int row = 0;
      while (records.hasNext()) {
        CSVRecord r = records.next();
        row++;
        int line = lineOf(lineStarts, r.getCharacterPosition());
        if (row > limits.maxRows()) {
          throw new TemplateException(
              new RowError(
                  line,
                  row,
                  null,
                  "the file has more than "
                      + limits.maxRows()
                      + " rows; split it, or raise provisioning.import.max-rows"));
        }
        if (r.size() != header.length) {
          errors.add(
              new RowError(
                  line,
                  row,
                  null,
                  "the row has "
                      + r.size()
                      + " field"
                      + (r.size() == 1 ? "" : "s")
                      + ", the header has "
                      + header.length
                      + (r.size() > header.length
                          ? " (a comma in a value needs double quotes around the value)"
                          : "")));
          continue;
        }
        String[] values = TemplateRow.cells();
        for (int i = 0; i < header.length; i++) {
          if (header[i] != null) {
            TemplateRow.put(values, header[i], r.get(i));
          }
        }
        rows.add(new TemplateRow(row, line, values));
      }
    } catch (UncheckedIOException | IOException e) {
      String message = e.getMessage() == null ? "" : e.getMessage();
      Matcher m = CSV_LINE.matcher(message);
      int line = m.find() ? Integer.parseInt(m.group(1)) : 0;
      errors.add(
          new RowError(
              line,
              0,
              null,
              "the CSV quoting is broken ("
                  + message.replaceAll(".*IOException: ", "")
                  + "); a value with a comma, quote or line break must be wrapped in double quotes, with any quote inside doubled"));
    }
    return done(rows, List.of(), errors);
  }

  /** The columns of the header row; unknown or repeated names are errors. */
  private static Column[] header(CSVRecord record, int line, List<RowError> errors) {
    Column[] columns = new Column[record.size()];
    for (int i = 0; i < record.size(); i++) {
      String name = record.get(i);
      Column c = Column.fromHeader(name);
      if (c == null) {
        errors.add(
            new RowError(
                line,
                0,
                name,
                "unknown column '"
                    + name
                    + "'; the template's columns are "
                    + Column.headerLine()));
      } else if (Arrays.asList(columns).contains(c)) {
        errors.add(new RowError(line, 0, name, "column " + c.header() + " appears twice"));
      } else {
        columns[i] = c;
      }
    }
    requireColumns(Arrays.asList(columns), line, errors);
    return columns;
  }

  private static void requireColumns(List<Column> columns, int line, List<RowError> errors) {
    if (!columns.contains(Column.DOMAIN)) {
      errors.add(
          new RowError(
              line, 0, null, "the header has no domain column; every row names its domain"));
    }
    if (!columns.contains(Column.AUTH_USER) && !columns.contains(Column.EXTENSION)) {
      errors.add(
          new RowError(
              line,
              0,
              null,
              "the header has neither auth_user (device lines) nor extension (users)"));
    }
  }

  private TemplateFile json(String text) {
    List<RowError> errors = new ArrayList<>();
    List<TemplateRow> rows = new ArrayList<>();
    List<String> domains = new ArrayList<>();
    try (JsonParser p = JSON.createParser(text)) {
      JsonToken first = p.nextToken();
      if (first == JsonToken.START_ARRAY) {
        jsonRows(p, rows, errors);
      } else if (first == JsonToken.START_OBJECT) {
        jsonObject(p, rows, domains, errors);
      } else {
        throw new TemplateException(
            new RowError(
                1, 0, null, "a JSON template is an array of rows, or an object with \"rows\""));
      }
      if (p.nextToken() != null) {
        errors.add(
            new RowError(
                p.currentTokenLocation().getLineNr(),
                0,
                null,
                "unexpected content after the template"));
      }
    } catch (JsonProcessingException e) {
      errors.add(
          new RowError(
              e.getLocation() == null ? 0 : e.getLocation().getLineNr(),
              rows.size() + 1,
              null,
              "not valid JSON: " + e.getOriginalMessage()));
    } catch (IOException e) {
      throw new UncheckedIOException(e); // reading a string does not fail
    }
    return done(rows, domains, errors);
  }

  /**
   * A template as an object: its rows, the domains it lists, its format and when it was exported.
   */
  private void jsonObject(
      JsonParser p, List<TemplateRow> rows, List<String> domains, List<RowError> errors)
      throws IOException {
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      int line = p.currentTokenLocation().getLineNr();
      JsonToken value = p.nextToken();
      switch (field) {
        case "rows" -> {
          if (value != JsonToken.START_ARRAY) {
            throw new TemplateException(
                new RowError(line, 0, "rows", "must be an array of row objects"));
          }
          jsonRows(p, rows, errors);
        }
        case "domains" -> {
          if (value != JsonToken.START_ARRAY) {
            throw new TemplateException(
                new RowError(line, 0, "domains", "must be an array of domain names"));
          }
          while (p.nextToken() == JsonToken.VALUE_STRING) {
            domains.add(p.getText());
          }
          if (p.currentToken() != JsonToken.END_ARRAY) {
            throw new TemplateException(
                new RowError(
                    p.currentTokenLocation().getLineNr(), 0, "domains", "must hold only strings"));
          }
        }
        case "format" -> {
          if (value != JsonToken.VALUE_STRING || !TemplateWriter.JSON_FORMAT.equals(p.getText())) {
            errors.add(
                new RowError(line, 0, "format", "must be \"" + TemplateWriter.JSON_FORMAT + "\""));
          }
        }
        case "exported_at" -> p.skipChildren();
        default -> {
          errors.add(
              new RowError(
                  line,
                  0,
                  field,
                  "unknown field; a template is {\"rows\": [...]} or an array of rows"));
          p.skipChildren();
        }
      }
    }
  }

  private void jsonRows(JsonParser p, List<TemplateRow> rows, List<RowError> errors)
      throws IOException {
    int row = 0;
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      row++;
      int line = p.currentTokenLocation().getLineNr();
      if (row > limits.maxRows()) {
        throw new TemplateException(
            new RowError(
                line,
                row,
                null,
                "the file has more than "
                    + limits.maxRows()
                    + " rows; split it, or raise provisioning.import.max-rows"));
      }
      if (t != JsonToken.START_OBJECT) {
        errors.add(
            new RowError(line, row, null, "a row must be an object of column names to values"));
        p.skipChildren();
        continue;
      }
      String[] values = TemplateRow.cells();
      int errorsBefore = errors.size();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        Column c = Column.fromHeader(name);
        JsonToken v = p.nextToken();
        if (c == null) {
          errors.add(
              new RowError(
                  line,
                  row,
                  name,
                  "unknown column '"
                      + name
                      + "'; the template's columns are "
                      + Column.headerLine()));
          p.skipChildren();
        } else if (v == JsonToken.VALUE_STRING || v == JsonToken.VALUE_NUMBER_INT) {
          TemplateRow.put(values, c, p.getText());
        } else if (v != JsonToken.VALUE_NULL) {
          errors.add(
              new RowError(
                  line,
                  row,
                  c.header(),
                  "must be a string" + (c == Column.LINE ? " or a whole number" : "")));
          p.skipChildren();
        }
      }
      if (errors.size() == errorsBefore) {
        rows.add(new TemplateRow(row, line, values));
      }
    }
  }

  /**
   * The file, with the errors of rows that could not be read; {@link TemplateException} if nothing
   * of it can be read (a broken header, broken quoting) or it has no rows.
   */
  private TemplateFile done(List<TemplateRow> rows, List<String> domains, List<RowError> errors) {
    boolean rowErrorsOnly = errors.stream().allMatch(e -> e.row() > 0);
    if (rows.isEmpty() && domains.isEmpty() && errors.isEmpty()) {
      errors.add(new RowError(0, 0, null, "the file has no rows"));
      rowErrorsOnly = false;
    }
    if (!rowErrorsOnly) {
      throw new TemplateException(
          errors.subList(0, Math.min(errors.size(), limits.maxErrors())), errors.size());
    }
    return new TemplateFile(rows, domains, errors);
  }

  /** Offsets at which each line of {@code text} starts. */
  private static int[] lineStarts(String text) {
    int n = 1;
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) == '\n') {
        n++;
      }
    }
    int[] starts = new int[n];
    int line = 1;
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) == '\n') {
        starts[line++] = i + 1;
      }
    }
    return starts;
  }

  private static int lineOf(int[] lineStarts, long offset) {
    int i = Arrays.binarySearch(lineStarts, (int) offset);
    return (i >= 0 ? i : -i - 2) + 1;
  }
}
