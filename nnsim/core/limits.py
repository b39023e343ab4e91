"""The ranges every number read from a file must fall in, in one place.

Every reader (lessons, sessions, points, IDX images, pretrained models) refuses a value outside
its range with an error naming the file and the key, before anything is built or allocated: a
file is refused, never clipped. The widgets that show these values (the training controls, the
network editor) have the same bounds, so whatever opens can be shown and edited as it is.

========================  =================  ===================================================
constant                  range              why
========================  =================  ===================================================
MAX_INPUTS                1 .. 4,096         64 x 64-pixel images; MNIST needs 784
MAX_UNITS                 1 .. 512           the network editor's cap: every network is editable
MAX_LAYERS                1 .. 9             the editor's 8 hidden layers plus the output layer
MAX_FILTERS               1 .. 64            a Conv2D's filters: the canvas shows each one
MAX_KERNEL                1 .. 11            a Conv2D's kernel side (Keras examples use 3 to 7)
MAX_STRIDE                1 .. 4             a Conv2D's stride; more skips most of the image
MAX_POOL                  1 .. 8             a pooling window's side
GAMMA_RANGE               >0 .. 1e6          an RBF unit's starting width 1 / (2 sigma^2)
MAX_STEPS                 1 .. 64            time steps of a sequence; BPTT walks each one
MAX_VOCABULARY            2 .. 32            symbols of a sequence-to-sequence lesson
EXPERTS_RANGE             2 .. 4             experts in a mixture; the gate splits the plane
LEARNING_RATE_RANGE       1e-4 .. 10         the training controls' spin box
MOMENTUM_RANGE            0 .. 0.999         momentum 1 or more never decays: training diverges
MAX_BATCH_SIZE            1 .. 65,536        the training controls' spin box
MAX_EPOCHS                1 .. 1,000,000     the controls' spin box (a QSpinBox ends at 2**31-1)
MAX_SEED                  0 .. 2**31 - 1     the largest value a QSpinBox holds
MAX_COUNT                 0 .. 2**53         steps and epochs done: exact as JSON numbers
MAX_HISTORY_POINTS        0 .. 1,000,000     one value per epoch: MAX_EPOCHS of them
ALPHA_RANGE               0 .. 10            leaky_relu / elu slope; the lecture uses 0.01..1
MAX_ABS_WEIGHT            |w| <= 1e6         a lesson's hand-written weights; more saturates all
MAX_ABS_VALUE             |x| <= 1e6         probe inputs, targets and thresholds of a lesson
ORDER_RANGE               0 .. 10,000        a lesson's place in the lecture
N_SAMPLES_RANGE           2 .. 10,000        point clouds: the plots draw every point
MAX_NOISE                 0 .. 10            cloud noise; 10 hides any structure already
TURNS_RANGE               >0 .. 10           spiral turns: more are closer than the noise
MAX_POINTS                1 .. 10,000        rows of a points CSV (as many as a cloud)
MAX_POINTS_FILE_BYTES     4 MB               10,000 rows of ~45 characters, with room
MAX_LESSON_BYTES          4 MB               a 784 x 256 table of weights is about 2 MB of text
MAX_SESSION_FILE_BYTES    256 MB             the largest network, its momentum and history
MAX_META_BYTES            96 MB              a session's JSON header: 4 x 1M history values
MAX_META_ITEMS            4,010,000          values in that header: 4 history series of 1M
MAX_META_STRINGS          10,000             strings in that header; a session has about 50
MAX_META_CONTAINERS       1,000              lists and tables in it; a session has about 20
MAX_MODEL_FILE_BYTES      64 MB              a pretrained model: the shipped MNIST one is 0.9 MB
MAX_ARCHIVE_MEMBERS       1,000              zip members; a session has at most 37
MAX_DIRECTORY_BYTES       1 MB               a zip's directory; a session's is about 2 KB
MAX_IDX_ITEMS             1 .. 100,000       MNIST has 70,000 images; headroom for others
MAX_IDX_BYTES             78.4 MB            100,000 images of 28 x 28 bytes
========================  =================  ===================================================
"""

from __future__ import annotations

#: Input width: 64 x 64-pixel images; MNIST needs 784.
MAX_INPUTS = 4096
#: Neurons per layer: the network editor's cap, so every network that opens can be edited.
MAX_UNITS = 512
#: Dense layers: the network editor's 8 hidden layers plus the output layer.
MAX_LAYERS = 9
#: A Conv2D's filters: the feature-map view shows each one.
MAX_FILTERS = 64
#: A Conv2D's kernel side and stride, a pooling window's side.
MAX_KERNEL = 11
MAX_STRIDE = 4
MAX_POOL = 8
#: An RBF unit's starting gamma (above 0).
GAMMA_RANGE = (0.0, 1e6)
#: Time steps of a sequence (the unrolled view draws one column per step).
MAX_STEPS = 64
#: Symbols an encoder-decoder reads and writes (the canvas labels each one).
MAX_VOCABULARY = 32
#: Experts in a mixture of experts.
EXPERTS_RANGE = (2, 4)
#: The training controls' learning-rate spin box.
LEARNING_RATE_RANGE = (1e-4, 10.0)
#: Momentum of 1 or more never decays: every run diverges.
MOMENTUM_RANGE = (0.0, 0.999)
#: The training controls' batch-size spin box.
MAX_BATCH_SIZE = 65_536
#: The training controls' epochs spin box (a QSpinBox cannot go past 2**31 - 1).
MAX_EPOCHS = 1_000_000
#: The largest value a QSpinBox holds; NumPy takes any seed from 0 up.
MAX_SEED = 2**31 - 1
#: Steps and epochs already done: integers up to 2**53 stay exact as JSON numbers.
MAX_COUNT = 2**53
#: Values per history key: one per epoch, for MAX_EPOCHS epochs.
MAX_HISTORY_POINTS = 1_000_000
#: leaky_relu's and elu's alpha; the lecture uses 0.01 to 1.
ALPHA_RANGE = (0.0, 10.0)
#: A lesson's hand-written weights: beyond this every activation saturates.
MAX_ABS_WEIGHT = 1e6
#: A lesson's probe inputs, target and threshold.
MAX_ABS_VALUE = 1e6
#: A lesson's place in the lecture's order.
ORDER_RANGE = (0, 10_000)
#: Points of a generated cloud: the boundary plot and points editor draw every one.
N_SAMPLES_RANGE = (2, 10_000)
#: Standard deviation of a cloud's noise: at 10 no structure is left to see.
MAX_NOISE = 10.0
#: Turns of the spiral (more than 0): beyond 10 the arms are closer than any noise.
TURNS_RANGE = (0.0, 10.0)
#: Rows of a points CSV file: as many as a generated cloud may have.
MAX_POINTS = N_SAMPLES_RANGE[1]
#: Bytes of a points CSV file: 10,000 rows of about 45 characters, with room for comments.
MAX_POINTS_FILE_BYTES = 4_000_000
#: Bytes of a lesson file: a 784 x 256 table of weights with 6 decimals is about 2 MB of TOML.
MAX_LESSON_BYTES = 4_000_000
#: Bytes of a session file on disk: the largest network, its momentum and its history.
MAX_SESSION_FILE_BYTES = 256_000_000
#: Bytes of a session's JSON header (its history is most of it: 4 x 1M values as text).
MAX_META_BYTES = 96_000_000
#: Values, strings and containers in a session's JSON header, counted before it is parsed:
#: JSON turns 2 bytes ("0,") into a 32-byte Python object, so bytes alone do not bound memory.
MAX_META_ITEMS = 4 * MAX_HISTORY_POINTS + 10_000
MAX_META_STRINGS = 10_000
MAX_META_CONTAINERS = 1_000
#: Bytes of a pretrained model file (the shipped MNIST model is 0.9 MB).
MAX_MODEL_FILE_BYTES = 64_000_000
#: Members of a zip archive (a session has at most 1 + 9 x 4): zipfile builds one object each.
MAX_ARCHIVE_MEMBERS = 1_000
#: Bytes of a zip archive's directory (a session's is about 2 KB).
MAX_DIRECTORY_BYTES = 1_000_000
#: Images or labels in one IDX file: MNIST has 60,000 + 10,000; headroom for similar sets.
MAX_IDX_ITEMS = 100_000
#: Bytes of one IDX file's data once unpacked: MAX_IDX_ITEMS images of 28 x 28 bytes.
MAX_IDX_BYTES = MAX_IDX_ITEMS * 28 * 28
