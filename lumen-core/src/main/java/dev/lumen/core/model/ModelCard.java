package dev.lumen.core.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import dev.lumen.core.LumenException;
import dev.lumen.core.io.AtomicFiles;
import dev.lumen.core.io.FileBytes;
import dev.lumen.core.io.JsonErrors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What ONNX cannot say about a model, read from {@code NAME.lumen.json} beside {@code NAME.onnx}.
 * Every field may be left out (it is then null); what the graph tells is inferred, and the card
 * only fills gaps or overrides.
 *
 * <pre>{@code
 * {
 *   "labels": ["normal", "nodule", "opacity"],
 *   "task": "multi-class",
 *   "layer": "features",
 *   "input": {"layout": "NCHW", "width": 224, "height": 224, "channels": "rgb", "volume": false},
 *   "preprocessing": {"preset": "imagenet", "resize": "crop", "shorterSide": 256}
 * }
 * }</pre>
 *
 * @param name a display name
 * @param description free text: what the model does, how it was trained
 * @param labels one name per output
 * @param task {@code multi-class}, {@code multi-label} or {@code binary}
 * @param layer the tensor explanations use by default
 * @param input the image input
 * @param preprocessing how images become inputs
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelCard(String name, String description, List<String> labels, String task,
                        String layer, InputCard input, PreprocessingCard preprocessing) {
  /** Validates every field that is set, naming the field, the value and what is allowed. */
  public ModelCard {
    if (labels != null) {
      labels = CardFields.labels(labels);
    }
    if (task != null) {
      Task.fromCardName(task);
    }
    if (layer != null && layer.isBlank()) {
      throw new IllegalArgumentException("model card field 'layer' is blank; name a tensor of the graph");
    }
  }

  /**
   * The card's input section.
   *
   * @param layout {@code NCHW} or {@code NHWC}
   * @param width input width (for models with a dynamic size)
   * @param height input height
   * @param channels {@code grayscale}, {@code rgb} or {@code bgr}
   * @param volume true when one input is an exam whose slices are fed as the batch (MRNet)
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record InputCard(String layout, Integer width, Integer height, String channels, Boolean volume) {
    /** Validates every field that is set. */
    public InputCard {
      CardFields.oneOf("input.layout", layout, "NCHW", "NHWC", "NCDHW");
      CardFields.oneOf("input.channels", channels, "grayscale", "rgb", "bgr");
      CardFields.side("input.width", width);
      CardFields.side("input.height", height);
    }
  }

  /**
   * The card's preprocessing section.
   *
   * @param preset {@code imagenet}, {@code unit}, {@code raw} or {@code minmax}
   * @param resize {@code stretch} or {@code crop}
   * @param shorterSide for {@code crop}: the shorter side before the centre crop
   * @param scale {@code unit}, {@code raw} or {@code minmax}
   * @param mean per-channel mean (after scaling)
   * @param std per-channel standard deviation (after scaling)
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record PreprocessingCard(String preset, String resize, Integer shorterSide, String scale,
                                  float[] mean, float[] std) {
    /** Validates every field that is set. */
    public PreprocessingCard {
      CardFields.oneOf("preprocessing.preset", preset, "imagenet", "unit", "raw", "minmax");
      CardFields.oneOf("preprocessing.resize", resize, "stretch", "crop");
      CardFields.oneOf("preprocessing.scale", scale, "unit", "raw", "minmax");
      if (shorterSide != null && (shorterSide < 1 || shorterSide > CardFields.MAX_SIDE)) {
        throw new IllegalArgumentException("model card field 'preprocessing.shorterSide' is " + shorterSide
            + "; allowed: 1 to " + CardFields.MAX_SIDE);
      }
      CardFields.perChannel("preprocessing.mean", mean, false);
      CardFields.perChannel("preprocessing.std", std, true);
    }
  }

  /** Strict: unknown fields are errors, and no value changes type (3 is not true, "8" not 8). */
  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
      .withCoercionConfig(LogicalType.Textual, text -> text.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
          .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
          .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
      .build();

  /** A card that says nothing. */
  public static ModelCard empty() {
    return new ModelCard(null, null, null, null, null, null, null);
  }

  /**
   * This card with every field that {@code other} sets replaced by {@code other}'s (field by
   * field inside {@code input} and {@code preprocessing}): how command-line flags override a card.
   */
  public ModelCard overriddenBy(ModelCard other) {
    return new ModelCard(pick(other.name, name), pick(other.description, description), pick(other.labels, labels),
        pick(other.task, task), pick(other.layer, layer), merge(input, other.input),
        merge(preprocessing, other.preprocessing));
  }

  private static InputCard merge(InputCard base, InputCard over) {
    if (base == null || over == null) {
      return over != null ? over : base;
    }
    return new InputCard(pick(over.layout, base.layout), pick(over.width, base.width), pick(over.height, base.height),
        pick(over.channels, base.channels), pick(over.volume, base.volume));
  }

  private static PreprocessingCard merge(PreprocessingCard base, PreprocessingCard over) {
    if (base == null || over == null) {
      return over != null ? over : base;
    }
    return new PreprocessingCard(pick(over.preset, base.preset), pick(over.resize, base.resize),
        pick(over.shorterSide, base.shorterSide), pick(over.scale, base.scale), pick(over.mean, base.mean),
        pick(over.std, base.std));
  }

  private static <T> T pick(T preferred, T fallback) {
    return preferred != null ? preferred : fallback;
  }

  /** The card file that belongs to {@code model}: {@code NAME.lumen.json} beside {@code NAME.onnx}. */
  public static Path pathFor(Path model) {
    String file = model.getFileName().toString();
    String stem = file.endsWith(".onnx") ? file.substring(0, file.length() - 5) : file;
    return model.resolveSibling(stem + ".lumen.json");
  }

  /**
   * Reads a card.
   *
   * @throws LumenException if the file is unreadable, not JSON, or has unknown fields
   */
  public static ModelCard read(Path file) {
    try {
      ModelCard card = JSON.readValue(FileBytes.read(file), ModelCard.class);
      if (card == null) {
        throw new LumenException(file, "model card is JSON null; a card is an object such as {\"labels\": [...]}");
      }
      return card;
    } catch (UnrecognizedPropertyException e) {
      throw new LumenException(file, "unknown field '" + JsonErrors.field(e) + "' in model card; known: "
          + e.getKnownPropertyIds().stream().map(String::valueOf).sorted().toList());
    } catch (ValueInstantiationException e) {
      Throwable problem = e.getCause() != null ? e.getCause() : e;
      throw new LumenException(file, problem.getMessage(), e);
    } catch (MismatchedInputException e) {
      throw new LumenException(file, "model card field '" + JsonErrors.field(e) + "' "
          + CardFields.expected(e.getTargetType()), e);
    } catch (com.fasterxml.jackson.core.JacksonException e) {
      throw new LumenException(file, "not valid JSON at " + JsonErrors.where(e) + "; a model card is a JSON object", e);
    } catch (IOException e) {
      throw new LumenException(file, "cannot read: " + e.getMessage(), e);
    }
  }

  /** The card beside {@code model}, or an empty card when there is none. */
  public static ModelCard besideModel(Path model) {
    Path card = pathFor(model);
    return Files.isRegularFile(card) ? read(card) : empty();
  }

  /** Writes the card as indented JSON. */
  public void write(Path file) throws IOException {
    AtomicFiles.write(file, out -> JSON.writerWithDefaultPrettyPrinter().writeValue(out, this));
  }
}
