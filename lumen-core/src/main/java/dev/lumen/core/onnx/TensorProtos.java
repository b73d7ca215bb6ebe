package dev.lumen.core.onnx;

import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import dev.lumen.core.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Reads the values of ONNX {@code TensorProto}s (initializers, constants, test data). */
public final class TensorProtos {
  private TensorProtos() {}

  /**
   * The values of a numeric tensor as float32.
   *
   * @throws IllegalArgumentException for element types other than float, double, float16,
   *     int32 and int64, and for data stored outside the model file
   */
  public static Tensor toTensor(TensorProto proto) {
    long[] shape = proto.getDimsList().stream().mapToLong(Long::longValue).toArray();
    return Tensor.of(toFloats(proto), shape);
  }

  /** The values of an integer (or float) tensor as longs: axes, shapes, pads. */
  public static long[] toLongs(TensorProto proto) {
    DataType type = DataType.forNumber(proto.getDataType());
    ByteBuffer raw = raw(proto);
    if (type == DataType.INT64) {
      return raw != null ? longsOf(raw) : proto.getInt64DataList().stream().mapToLong(Long::longValue).toArray();
    }
    if (type == DataType.INT32) {
      return raw != null ? intsOf(raw) : proto.getInt32DataList().stream().mapToLong(Integer::longValue).toArray();
    }
    float[] floats = toFloats(proto);
    long[] out = new long[floats.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = (long) floats[i];
    }
    return out;
  }

  private static float[] toFloats(TensorProto proto) {
    if (proto.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
      throw new IllegalArgumentException(
          "tensor '" + proto.getName() + "' keeps its data in an external file, which Lumen does not read yet");
    }
    DataType type = DataType.forNumber(proto.getDataType());
    ByteBuffer raw = raw(proto);
    switch (type == null ? DataType.UNDEFINED : type) {
      case FLOAT:
        if (raw != null) {
          float[] out = new float[raw.remaining() / 4];
          raw.asFloatBuffer().get(out);
          return out;
        }
        float[] out = new float[proto.getFloatDataCount()];
        for (int i = 0; i < out.length; i++) {
          out[i] = proto.getFloatData(i);
        }
        return out;
      case DOUBLE:
        return raw != null ? narrow(raw) : toFloat(proto.getDoubleDataList().stream().mapToDouble(Double::doubleValue).toArray());
      case FLOAT16:
        return half(raw != null ? raw : int32AsShorts(proto));
      case INT64:
      case INT32:
        long[] longs = toLongs(proto);
        float[] f = new float[longs.length];
        for (int i = 0; i < f.length; i++) {
          f[i] = longs[i];
        }
        return f;
      default:
        throw new IllegalArgumentException(
            "tensor '" + proto.getName() + "' has element type " + type + "; Lumen reads float, double, float16, int32 and int64");
    }
  }

  private static ByteBuffer raw(TensorProto proto) {
    return proto.getRawData().isEmpty() ? null
        : proto.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
  }

  private static long[] longsOf(ByteBuffer raw) {
    long[] out = new long[raw.remaining() / 8];
    raw.asLongBuffer().get(out);
    return out;
  }

  private static long[] intsOf(ByteBuffer raw) {
    long[] out = new long[raw.remaining() / 4];
    for (int i = 0; i < out.length; i++) {
      out[i] = raw.getInt(i * 4);
    }
    return out;
  }

  private static float[] narrow(ByteBuffer raw) {
    double[] d = new double[raw.remaining() / 8];
    raw.asDoubleBuffer().get(d);
    return toFloat(d);
  }

  private static float[] toFloat(double[] d) {
    float[] out = new float[d.length];
    for (int i = 0; i < d.length; i++) {
      out[i] = (float) d[i];
    }
    return out;
  }

  /** float16 values stored in int32_data, one per entry, as the ONNX schema says. */
  private static ByteBuffer int32AsShorts(TensorProto proto) {
    ByteBuffer b = ByteBuffer.allocate(proto.getInt32DataCount() * 2).order(ByteOrder.LITTLE_ENDIAN);
    proto.getInt32DataList().forEach(v -> b.putShort((short) (int) v));
    return b.flip();
  }

  private static float[] half(ByteBuffer raw) {
    float[] out = new float[raw.remaining() / 2];
    for (int i = 0; i < out.length; i++) {
      out[i] = halfToFloat(raw.getShort(i * 2));
    }
    return out;
  }

  /** IEEE 754 binary16 to float (Java 17 has no built-in conversion). */
  static float halfToFloat(short bits) {
    int sign = (bits & 0x8000) << 16;
    int exponent = (bits >> 10) & 0x1f;
    int mantissa = bits & 0x3ff;
    if (exponent == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
    }
    if (exponent == 0) {
      float value = mantissa / 1024f / 16384f;
      return sign == 0 ? value : -value;
    }
    return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
  }
}
