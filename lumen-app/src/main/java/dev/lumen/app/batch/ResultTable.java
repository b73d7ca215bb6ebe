package dev.lumen.app.batch;

import dev.lumen.core.LumenException;
import dev.lumen.core.io.AtomicFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;

/**
 * The results table of a batch run as Parquet: a folder of part files ({@code part-*.parquet}),
 * as Spark writes a table, each written whole or not at all. Every column but the ids is
 * optional; the quality measures' fields follow the map statistics, one double column each.
 */
public final class ResultTable {
  /** The columns every table has; the others are quality fields. */
  private static final List<String> FIXED = List.of("key", "study", "studySha256", "modelSha256", "method", "target",
      "probability", "peakSlice", "peakX", "peakY", "topEnergy", "boxes", "pointing", "energyInside", "iou", "rawMap",
      "map", "error");
  private final MessageType schema;
  private final List<String> qualityFields;

  /** The table whose rows carry {@code qualityFields} (in order). */
  public ResultTable(List<String> qualityFields) {
    this.qualityFields = List.copyOf(qualityFields);
    Types.MessageTypeBuilder b = Types.buildMessage();
    text(b, "key", true);
    text(b, "study", true);
    text(b, "studySha256", false);
    text(b, "modelSha256", true);
    text(b, "method", false);
    text(b, "target", false);
    b.optional(PrimitiveTypeName.DOUBLE).named("probability");
    b.optional(PrimitiveTypeName.INT32).named("peakSlice");
    b.optional(PrimitiveTypeName.INT32).named("peakX");
    b.optional(PrimitiveTypeName.INT32).named("peakY");
    b.optional(PrimitiveTypeName.DOUBLE).named("topEnergy");
    text(b, "boxes", false);
    b.optional(PrimitiveTypeName.BOOLEAN).named("pointing");
    b.optional(PrimitiveTypeName.DOUBLE).named("energyInside");
    b.optional(PrimitiveTypeName.DOUBLE).named("iou");
    for (String field : qualityFields) {
      b.optional(PrimitiveTypeName.DOUBLE).named(field);
    }
    text(b, "rawMap", false);
    text(b, "map", false);
    text(b, "error", false);
    schema = b.named("lumen_result");
  }

  private static void text(Types.MessageTypeBuilder b, String name, boolean required) {
    (required ? b.required(PrimitiveTypeName.BINARY) : b.optional(PrimitiveTypeName.BINARY))
        .as(LogicalTypeAnnotation.stringType()).named(name);
  }

  /** The Parquet schema of the rows. */
  public MessageType schema() {
    return schema;
  }

  /** Writes {@code rows} to {@code file}, whole or not at all. */
  public void write(Path file, List<ResultRow> rows) throws IOException {
    AtomicFiles.write(file, out -> {
      try (ParquetWriter<Group> writer = ExampleParquetWriter.builder(new StreamFile(out, file.toString()))
          .withConf(new PlainParquetConfiguration()).withType(schema)
          .withCompressionCodec(CompressionCodecName.SNAPPY).build()) {
        SimpleGroupFactory groups = new SimpleGroupFactory(schema);
        for (ResultRow row : rows) {
          writer.write(group(groups.newGroup(), row));
        }
      }
    });
  }

  /** The values of {@code r} in the order of the schema's columns, null where a value does not apply. */
  public List<Object> values(ResultRow r) {
    List<Object> v = new ArrayList<>(List.of(r.key(), r.study()));
    v.addAll(Arrays.asList(r.studySha256(), r.modelSha256(), r.method(), r.target(), r.probability(),
        r.peakSlice(), r.peakX(), r.peakY(), r.topEnergy(), r.boxes(), r.pointing(), r.energyInside(), r.iou()));
    for (String field : qualityFields) {
      v.add(r.quality().get(field));
    }
    v.addAll(Arrays.asList(r.rawMap(), r.map(), r.error()));
    return v;
  }

  private Group group(Group g, ResultRow r) {
    List<Object> values = values(r);
    for (int i = 0; i < values.size(); i++) {
      put(g, schema.getFieldName(i), values.get(i));
    }
    return g;
  }

  private static void put(Group g, String field, Object value) {
    if (value == null) {
      return;
    }
    if (value instanceof String s) {
      g.append(field, s);
    } else if (value instanceof Double d) {
      g.append(field, d);
    } else if (value instanceof Integer i) {
      g.append(field, i);
    } else {
      g.append(field, (Boolean) value);
    }
  }

  /** Every row of the part files in {@code folder} (none when it does not exist), in file name order. */
  public static List<ResultRow> readAll(Path folder) throws IOException {
    List<ResultRow> rows = new ArrayList<>();
    for (Path part : parts(folder)) {
      rows.addAll(read(part));
    }
    return rows;
  }

  /** The part files of the table in {@code folder}, in name order. */
  public static List<Path> parts(Path folder) throws IOException {
    if (!Files.isDirectory(folder)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(folder)) {
      return files.filter(f -> f.getFileName().toString().startsWith("part-")
          && f.getFileName().toString().endsWith(".parquet")).sorted().toList();
    }
  }

  /**
   * The rows of one part file.
   *
   * @throws LumenException naming the file when it is not a results table's part
   */
  public static List<ResultRow> read(Path file) throws IOException {
    List<ResultRow> rows = new ArrayList<>();
    try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file),
        ParquetReadOptions.builder(new PlainParquetConfiguration()).build())) {
      MessageType schema = reader.getFooter().getFileMetaData().getSchema();
      List<String> quality = schema.getFields().stream().map(Type::getName)
          .filter(n -> !FIXED.contains(n)).toList();
      for (PageReadStore page = reader.readNextRowGroup(); page != null; page = reader.readNextRowGroup()) {
        RecordReader<Group> records = new ColumnIOFactory().getColumnIO(schema)
            .getRecordReader(page, new GroupRecordConverter(schema));
        for (long i = 0; i < page.getRowCount(); i++) {
          rows.add(row(records.read(), quality));
        }
      }
    } catch (RuntimeException e) {
      throw new LumenException(file, "is not a part of a Lumen results table: " + e.getMessage());
    }
    return rows;
  }

  private static ResultRow row(Group g, List<String> qualityFields) {
    Map<String, Double> quality = new LinkedHashMap<>();
    for (String field : qualityFields) {
      Double v = doubleOf(g, field);
      if (v != null) {
        quality.put(field, v);
      }
    }
    return new ResultRow(text(g, "key"), text(g, "study"), text(g, "studySha256"), text(g, "modelSha256"),
        text(g, "method"), text(g, "target"), doubleOf(g, "probability"), intOf(g, "peakSlice"), intOf(g, "peakX"),
        intOf(g, "peakY"), doubleOf(g, "topEnergy"), text(g, "boxes"),
        g.getFieldRepetitionCount("pointing") == 0 ? null : g.getBoolean("pointing", 0), doubleOf(g, "energyInside"),
        doubleOf(g, "iou"), quality, text(g, "rawMap"), text(g, "map"), text(g, "error"));
  }

  private static String text(Group g, String field) {
    return g.getFieldRepetitionCount(field) == 0 ? null : g.getString(field, 0);
  }

  private static Double doubleOf(Group g, String field) {
    return g.getFieldRepetitionCount(field) == 0 ? null : g.getDouble(field, 0);
  }

  private static Integer intOf(Group g, String field) {
    return g.getFieldRepetitionCount(field) == 0 ? null : g.getInteger(field, 0);
  }

  /** Parquet's output over a stream: {@link AtomicFiles} owns the file and closes the stream. */
  private record StreamFile(OutputStream out, String path) implements OutputFile {
    @Override
    public PositionOutputStream create(long blockSizeHint) {
      return new PositionOutputStream() {
        private long position;

        @Override
        public long getPos() {
          return position;
        }

        @Override
        public void write(int b) throws IOException {
          out.write(b);
          position++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          out.write(b, off, len);
          position += len;
        }

        @Override
        public void flush() throws IOException {
          out.flush();
        }

        @Override
        public void close() throws IOException {
          out.flush();
        }
      };
    }

    @Override
    public PositionOutputStream createOrOverwrite(long blockSizeHint) {
      return create(blockSizeHint);
    }

    @Override
    public boolean supportsBlockSize() {
      return false;
    }

    @Override
    public long defaultBlockSize() {
      return 0;
    }

    @Override
    public String getPath() {
      return path;
    }
  }
}
