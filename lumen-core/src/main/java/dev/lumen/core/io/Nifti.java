package dev.lumen.core.io;

import dev.lumen.core.LumenException;
import dev.lumen.core.MemoryBudget;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * A NIfTI-1 or NIfTI-2 image in one file ({@code .nii}, or gzipped {@code .nii.gz}) or in a
 * header and image pair ({@code .hdr} and {@code .img}, either gzipped), either byte order: its voxel values with the scaling of the header applied ({@code scl_slope},
 * {@code scl_inter}), its dimensions, and its voxel-to-world affine as nibabel gives it — the
 * sform when its code is set, else the qform (from its quaternion), else the header's zooms
 * about the volume's centre.
 *
 * @param file where it was read from
 * @param dims the sizes of the axes, x first (3 for a volume, 4 with time)
 * @param values every voxel, x fastest (the file's order)
 * @param affine the 4×4 voxel-to-world matrix, rows first
 * @param maxValue the range top the values are scaled from, as for {@code .npy} arrays
 */
public record Nifti(Path file, int[] dims, float[] values, double[][] affine, float maxValue) {
  private static final int NIFTI1 = 348;
  private static final int NIFTI2 = 540;

  /**
   * Reads {@code file}.
   *
   * @throws LumenException naming the file for one that is not NIfTI, a pair's header or image
   *     missing, a datatype Lumen does not read (complex, RGB), dimensions the data does not fill, or
   *     a size over what the heap holds
   */
  public static Nifti read(Path file) {
    Path header = pairedFile(file, ".img", ".hdr");
    String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
    if (header == null && (name.endsWith(".img") || name.endsWith(".img.gz"))) {
      throw new LumenException(file, "is the image of a header and image pair whose header (.hdr beside it) is missing");
    }
    byte[] bytes = load(header != null ? header : file);
    if (bytes.length < 4) {
      throw new LumenException(file, "is not a NIfTI file (too short for a header)");
    }
    ByteBuffer h = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    int size = h.getInt(0);
    if (size != NIFTI1 && size != NIFTI2) {
      h.order(ByteOrder.BIG_ENDIAN);
      size = h.getInt(0);
    }
    if (size != NIFTI1 && size != NIFTI2) {
      throw new LumenException(file, "is not a NIfTI file (its header size is neither 348 nor 540 in either byte order)");
    }
    if (bytes.length < size) {
      throw new LumenException(file, "is truncated inside its " + size + "-byte header");
    }
    boolean two = size == NIFTI2;
    String magic = new String(bytes, two ? 4 : 344, 3, StandardCharsets.US_ASCII);
    boolean pair = magic.equals("ni1") || magic.equals("ni2");
    byte[] voxels = bytes;
    if (pair) {
      // a header and image pair: the voxels are in the .img beside the .hdr, from vox_offset
      Path image = header != null ? file : pairedFile(file, ".hdr", ".img");
      if (image == null) {
        throw new LumenException(file, "is a NIfTI header whose image file (.img or .img.gz beside it) is missing");
      }
      voxels = load(image);
    } else if (header != null) {
      throw new LumenException(file, "is an .img whose header " + header.getFileName() + " is a single-file NIfTI, not "
          + "the header of a pair");
    }
    if (!pair && !magic.equals("n+1") && !magic.equals("n+2")) {
      throw new LumenException(file, "has no NIfTI magic ('n+1' or 'n+2'), found '" + magic.replaceAll("[^ -~]", "?")
          + "'");
    }
    int rank = (int) (two ? h.getLong(16) : h.getShort(40));
    if (rank < 1 || rank > 7) {
      throw new LumenException(file, "has dim[0] = " + rank + "; NIfTI allows 1 to 7 dimensions");
    }
    int[] dims = new int[rank];
    long count = 1;
    for (int d = 0; d < rank; d++) {
      long n = two ? h.getLong(24 + 8 * d) : h.getShort(42 + 2 * d);
      if (n < 1 || n > Integer.MAX_VALUE) {
        throw new LumenException(file, "has dimension " + (d + 1) + " of size " + n);
      }
      dims[d] = (int) n;
      count = Math.multiplyExact(count, n);
    }
    int datatype = two ? h.getShort(12) : h.getShort(70);
    NpyType type = type(file, datatype);
    long offset = two ? h.getLong(168) : (long) h.getFloat(108);
    if (count > Integer.MAX_VALUE / 4) {
      throw new LumenException(file, "has " + count + " voxels, more than Lumen holds in one array");
    }
    MemoryBudget.require(file, count * 4, "reading " + count + " voxels");
    if (offset < (pair ? 0 : size) || offset + count * type.width() > voxels.length) {
      throw new LumenException(file, "claims " + Arrays.toString(dims) + " voxels of " + type.width() + " bytes from "
          + "byte " + offset + ", but the " + (pair ? "image file" : "file") + " holds " + voxels.length + " bytes");
    }
    ByteBuffer data = ByteBuffer.wrap(voxels, (int) offset, (int) (count * type.width())).slice().order(h.order());
    double slope = two ? h.getDouble(176) : h.getFloat(112);
    double intercept = two ? h.getDouble(184) : h.getFloat(116);
    boolean scaled = Double.isFinite(slope) && slope != 0 && !(slope == 1 && intercept == 0);
    float[] values = new float[(int) count];
    long[] shape = Arrays.stream(dims).asLongStream().toArray();
    double shift = Double.isFinite(intercept) ? intercept : 0;
    NpyType shown = scaled ? new NpyType('f', 4) : type;
    float top;
    if (type.isInteger() && type.width() <= 2) {
      float[] range = narrowIntegers(data, type, values, scaled, slope, shift);
      top = Npy.maxValue(shown, range[0], range[1]);
    } else {
      for (int i = 0; i < values.length; i++) {
        float v = Npy.exact(file, type, data, i, shape);
        values[i] = scaled ? (float) (v * slope + shift) : v;
      }
      top = Npy.maxValue(shown, values);
    }
    return new Nifti(file, dims, values, affine(h, two, dims), top);
  }

  /**
   * A file's bytes, gunzipped when they are gzip — inflated straight from the file, so a large
   * volume is not first copied whole into memory compressed.
   */
  private static byte[] load(Path file) {
    if (!isGzip(file)) {
      return FileBytes.read(file);
    }
    try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(file)) {
      long size = channel.size();
      long stated = 0;
      if (size >= 18) {
        ByteBuffer trailer = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
        channel.read(trailer, size - 4);
        stated = Integer.toUnsignedLong(trailer.getInt(0));
      }
      try (java.io.InputStream in = java.nio.channels.Channels.newInputStream(channel.position(0))) {
        return gunzip(file, in, size, stated);
      }
    } catch (IOException e) {
      throw new LumenException(file, "cannot be read: " + e.getMessage(), e);
    }
  }

  private static boolean isGzip(Path file) {
    try (java.io.InputStream in = java.nio.file.Files.newInputStream(file)) {
      byte[] magic = in.readNBytes(2);
      return magic.length == 2 && (magic[0] & 0xFF) == 0x1F && (magic[1] & 0xFF) == 0x8B;
    } catch (IOException e) {
      return false;   // FileBytes names the reason
    }
  }

  /**
   * The other file of a pair when {@code file} is named {@code *from} or {@code *from.gz}: the
   * same name with {@code to}, gzipped or not, that exists; else null.
   */
  private static Path pairedFile(Path file, String from, String to) {
    String name = file.getFileName().toString();
    String lower = name.toLowerCase(java.util.Locale.ROOT);
    String stem = lower.endsWith(from) ? name.substring(0, name.length() - from.length())
        : lower.endsWith(from + ".gz") ? name.substring(0, name.length() - from.length() - 3) : null;
    if (stem == null) {
      return null;
    }
    for (String candidate : new String[] {stem + to, stem + to + ".gz", stem + to.toUpperCase(java.util.Locale.ROOT)}) {
      Path other = file.resolveSibling(candidate);
      if (java.nio.file.Files.isRegularFile(other)) {
        return other;
      }
    }
    return null;
  }

  /**
   * {@code affine} with the second index counted from the other end — ({@code x, y, z}) to
   * ({@code x, ny - 1 - y, z}) — which maps a file's voxel indices to a slice's (column, row,
   * slice) as Lumen reads it (the last y first, so anterior is up), and back.
   */
  public static double[][] rowsFlipped(double[][] affine, int ny) {
    double[][] out = new double[4][];
    for (int r = 0; r < 4; r++) {
      out[r] = new double[] {affine[r][0], -affine[r][1], affine[r][2], affine[r][3] + affine[r][1] * (ny - 1)};
    }
    return out;
  }

  /** Whether {@code head} (a file's first bytes, gzipped or not) begins with a NIfTI-1 or NIfTI-2 header. */
  public static boolean looksLikeNifti(byte[] head) {
    byte[] h = head;
    if (h.length >= 2 && (h[0] & 0xFF) == 0x1F && (h[1] & 0xFF) == 0x8B) {
      try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(head))) {
        h = in.readNBytes(NIFTI1);
      } catch (IOException e) {
        return false;
      }
    }
    if (h.length < 8) {
      return false;
    }
    for (ByteOrder order : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
      int size = ByteBuffer.wrap(h).order(order).getInt(0);
      if (size == NIFTI2 && new String(h, 4, 3, StandardCharsets.US_ASCII).equals("n+2")) {
        return true;
      }
      if (size == NIFTI1 && h.length >= NIFTI1 && new String(h, 344, 3, StandardCharsets.US_ASCII).equals("n+1")) {
        return true;
      }
    }
    return false;
  }

  /**
   * 8- and 16-bit integer voxels, which float32 always holds exactly (nothing to check), in typed
   * loops over both cores: most scans are int16 or uint8, and a generic per-voxel read made
   * converting a 256³ volume cost as much again as gunzipping it. Returns the least and greatest
   * value, for the range top.
   */
  private static float[] narrowIntegers(ByteBuffer data, NpyType type, float[] out, boolean scaled, double slope,
      double shift) {
    int chunks = Math.max(1, Math.min(64, out.length / (1 << 16)));
    float[][] ranges = new float[chunks][];
    java.util.stream.IntStream.range(0, chunks).parallel().forEach(c -> {
      int from = (int) ((long) out.length * c / chunks);
      int to = (int) ((long) out.length * (c + 1) / chunks);
      ByteBuffer b = data.duplicate().order(data.order());
      boolean unsigned = type.kind() == 'u';
      if (type.width() == 1) {
        for (int i = from; i < to; i++) {
          out[i] = unsigned ? b.get(i) & 0xFF : b.get(i);
        }
      } else {
        java.nio.ShortBuffer words = b.asShortBuffer();
        for (int i = from; i < to; i++) {
          out[i] = unsigned ? words.get(i) & 0xFFFF : words.get(i);
        }
      }
      float min = Float.POSITIVE_INFINITY;
      float max = Float.NEGATIVE_INFINITY;
      for (int i = from; i < to; i++) {
        float v = scaled ? (float) (out[i] * slope + shift) : out[i];
        out[i] = v;
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
      ranges[c] = new float[] {min, max};
    });
    float[] range = {Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
    for (float[] r : ranges) {
      range[0] = Math.min(range[0], r[0]);
      range[1] = Math.max(range[1], r[1]);
    }
    return range;
  }

  /**
   * The gunzipped bytes, read into an array of the size the gzip trailer states (its last four
   * bytes) rather than grown chunk by chunk — but never larger than 64 times the compressed
   * bytes on the trailer's word alone: a damaged trailer must not make Lumen allocate.
   */
  private static byte[] gunzip(Path file, java.io.InputStream compressed, long size, long stated) {
    long first = Math.min(stated, Math.min(64L * size, Integer.MAX_VALUE - 8));
    try (GZIPInputStream in = new GZIPInputStream(compressed, 1 << 16)) {
      MemoryBudget.require(file, first, "gunzipping " + first + " bytes");
      byte[] out = new byte[(int) first];
      int n = in.readNBytes(out, 0, out.length);
      if (n < out.length) {
        return Arrays.copyOf(out, n);
      }
      byte[] rest = in.readAllBytes();
      if (rest.length == 0) {
        return out;
      }
      MemoryBudget.require(file, (long) out.length + rest.length, "gunzipping " + (out.length + rest.length) + " bytes");
      byte[] all = Arrays.copyOf(out, out.length + rest.length);
      System.arraycopy(rest, 0, all, out.length, rest.length);
      return all;
    } catch (IOException e) {
      throw new LumenException(file, "is a corrupt or truncated gzip file (" + e.getMessage() + ")");
    }
  }


  /** NIfTI's datatype codes as the element types {@link Npy} reads. */
  private static NpyType type(Path file, int datatype) {
    return switch (datatype) {
      case 2 -> new NpyType('u', 1);
      case 4 -> new NpyType('i', 2);
      case 8 -> new NpyType('i', 4);
      case 16 -> new NpyType('f', 4);
      case 64 -> new NpyType('f', 8);
      case 256 -> new NpyType('i', 1);
      case 512 -> new NpyType('u', 2);
      case 768 -> new NpyType('u', 4);
      case 1024 -> new NpyType('i', 8);
      case 1280 -> new NpyType('u', 8);
      default -> throw new LumenException(file, "has NIfTI datatype " + datatype + " (complex, RGB or other); Lumen "
          + "reads integer and float voxels");
    };
  }

  /** The sform when its code is set, else the qform, else the zooms about the centre (nibabel's choice). */
  private static double[][] affine(ByteBuffer h, boolean two, int[] dims) {
    int qform = two ? h.getInt(344) : h.getShort(252);
    int sform = two ? h.getInt(348) : h.getShort(254);
    double[] pixdim = new double[8];
    for (int i = 0; i < 8; i++) {
      pixdim[i] = two ? h.getDouble(104 + 8 * i) : h.getFloat(76 + 4 * i);
    }
    if (sform > 0) {
      double[][] out = new double[4][4];
      for (int r = 0; r < 3; r++) {
        for (int c = 0; c < 4; c++) {
          out[r][c] = two ? h.getDouble(400 + 32 * r + 8 * c) : h.getFloat(280 + 16 * r + 4 * c);
        }
      }
      out[3][3] = 1;
      return out;
    }
    double[] zooms = {pixdim[1], dims.length > 1 ? pixdim[2] : 1, dims.length > 2 ? pixdim[3] : 1};
    if (qform > 0) {
      double b = two ? h.getDouble(352) : h.getFloat(256);
      double c = two ? h.getDouble(360) : h.getFloat(260);
      double d = two ? h.getDouble(368) : h.getFloat(264);
      double a = Math.sqrt(Math.max(0, 1 - (b * b + c * c + d * d)));
      double qfac = pixdim[0] < 0 ? -1 : 1;
      double[][] rotation = {
          {a * a + b * b - c * c - d * d, 2 * (b * c - a * d), 2 * (b * d + a * c)},
          {2 * (b * c + a * d), a * a + c * c - b * b - d * d, 2 * (c * d - a * b)},
          {2 * (b * d - a * c), 2 * (c * d + a * b), a * a + d * d - c * c - b * b}};
      double[] scale = {zooms[0], zooms[1], zooms[2] * qfac};
      double[][] out = new double[4][4];
      for (int r = 0; r < 3; r++) {
        for (int col = 0; col < 3; col++) {
          out[r][col] = rotation[r][col] * scale[col];
        }
        out[r][3] = two ? h.getDouble(376 + 8 * r) : h.getFloat(268 + 4 * r);
      }
      out[3][3] = 1;
      return out;
    }
    // neither form: Analyze's convention, x flipped, the origin at the volume's centre
    double[][] out = new double[4][4];
    double[] sign = {-1, 1, 1};
    for (int r = 0; r < 3; r++) {
      int n = r < dims.length ? dims[r] : 1;
      out[r][r] = sign[r] * zooms[r];
      out[r][3] = -sign[r] * zooms[r] * (n - 1) / 2.0;
    }
    out[3][3] = 1;
    return out;
  }
}
