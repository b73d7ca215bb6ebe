package dev.lumen.core.autodiff;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.AttributeProto.AttributeType;

/** ONNX node attributes, built in one call each. */
public final class Attributes {
  private Attributes() {}

  /** An integer attribute. */
  public static AttributeProto integer(String name, long value) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeType.INT).setI(value).build();
  }

  /** An integer-list attribute. */
  public static AttributeProto ints(String name, long... values) {
    AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeType.INTS);
    for (long v : values) {
      a.addInts(v);
    }
    return a.build();
  }

  /** A float attribute. */
  public static AttributeProto real(String name, float value) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeType.FLOAT).setF(value).build();
  }

  /** A string attribute. */
  public static AttributeProto text(String name, String value) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeType.STRING)
        .setS(com.google.protobuf.ByteString.copyFromUtf8(value)).build();
  }
}
