/**
 * Names that exist in PyTorch 1.13 / NumPy but are outside what Autograd Lens implements.
 * Reaching one raises NotImplementedError naming it (a clear "not supported here"), while a
 * name PyTorch does not have keeps PyTorch's own AttributeError.
 */
const TENSOR = `abs_ absolute acos_ acosh addbmm addmv addr align_as all allclose amax amin  angle any apply_ arccos arcsin arctan 
as_strided asin_ asinh  atanh baddbmm bernoulli bernoulli_ bfloat16 bincount bitwise_left_shift   byte cauchy_ cdouble
cfloat char cholesky    coalesce col_indices conj copysign corrcoef cos_  cov cross cummax cummin
 cumsum_ data_ptr  dense_dim dequantize   diag_embed diagflat   digamma  div_ dsplit eig element_size
eq_   erfc erfinv  expm1_ exponential_ fix    fmax fmin  frexp  gcd geometric_  get_device
 gt_ half hardshrink heaviside histc hsplit  i0 igamma index_add index_add_ index_copy index_fill index_put index_put_
index_reduce   int_repr  is_complex  is_pinned is_set_to is_shared    
  isreal istft kron kthvalue lcm ldexp le_   lgamma log_normal_ logaddexp logcumsumexp logdet  
lt_ lu  masked_scatter  matrix_exp matrix_power  mode    multinomial multiply_ mvlgamma
  nanmedian nanquantile  narrow_copy ne_      nextafter norm_ orgqr
ormqr outer pin_memory pinverse polygamma  pow_ qr quantile   renorm  resize_ resize_as_
 rot90     scatter_reduce select_scatter  short sigmoid_ sign_  sinc slice_scatter
slogdet smm  split_with_sizes sqrt_   sspaddmm  stft storage sub_ sum_to_size svd  
 take take_along_dim tensor_split  to_dense to_sparse    triangular_solve     true_divide_
trunc_ unfold uniform  unique_consecutive  values   view_as_complex vsplit  zero`;

const TORCH = `abs_ absolute acosh addbmm addmv addr adjoint  angle arccos arcsin arctan  as_strided  atanh atleast_1d
atleast_2d atleast_3d baddbmm bartlett_window bernoulli bincount bitwise_and bitwise_not bitwise_or bitwise_xor block_diag  broadcast_tensors
 bucketize cartesian_prod cdist ceil_ chain_matmul cholesky clamp_ column_stack combinations complex conj corrcoef cos_ cosine_similarity
 cov cross cummax cummin  cumsum    diag_embed diagflat   digamma  dsplit dstack  empty_strided
 erfc erfinv  eye_ fft flatten    fmax fmin  from_file frombuffer  gcd get_rng_state  hamming_window
hann_window heaviside histc histogram hsplit   i0 index_add    is_complex is_floating_point  
 isin   kron kthvalue lcm ldexp   lgamma load log_softmax logaddexp logcumsumexp logdet logical_not 
  lu masked_fill  matrix_exp matrix_power   mode    multinomial  
nanmedian nanquantile  neg_ nonzero normal_  ones_like_ outer pinverse poisson polar polygamma quantile  rand_like
 real renorm  reshape_  rot90 rsqrt save   searchsorted set_rng_state  sign 
sinc slogdet  special split_with_sizes   stft svd  take take_along_dim tensor_split tensordot    trapz
 tril_indices  triu_indices  unique_consecutive unravel_index vander   view_as_complex vsplit   zeros_like_
backends jit utils distributions fx onnx quantization sparse testing hub compile
float16 half bfloat16 int8 int16 uint8 short complex64 complex128 cfloat cdouble`;

const NN = `AdaptiveAvgPool1d AdaptiveAvgPool2d AdaptiveMaxPool2d AlphaDropout AvgPool1d   BatchNorm2d Bilinear CELU ConstantPad1d
  Conv3d ConvTranspose1d ConvTranspose2d CosineEmbeddingLoss CosineSimilarity CTCLoss Dropout2d   EmbeddingBag
Fold  GRU GRUCell GaussianNLLLoss GroupNorm    HingeEmbeddingLoss  InstanceNorm1d KLDivLoss LSTM
LSTMCell  LocalResponseNorm  MarginRankingLoss MaxPool1d   MultiLabelMarginLoss
MultiheadAttention PReLU ParameterDict ParameterList PixelShuffle PoissonNLLLoss RNN RNNCell RReLU  ReflectionPad2d ReplicationPad2d
SELU   SoftMarginLoss Softmax2d Softmin  Softshrink  Tanhshrink  Transformer TransformerEncoder
TransformerEncoderLayer TripletMarginLoss Unflatten Unfold Upsample ZeroPad2d utils`;

const FUNCTIONAL = `adaptive_avg_pool1d adaptive_avg_pool2d affine_grid avg_pool1d  batch_norm bilinear celu   conv3d
conv_transpose2d cosine_embedding_loss cosine_similarity  dropout2d    glu grid_sample group_norm gumbel_softmax 
  hinge_embedding_loss  instance_norm interpolate kl_div  local_response_norm  margin_ranking_loss
max_pool1d   multi_margin_loss    pairwise_distance pdist pixel_shuffle poisson_nll_loss prelu  rrelu selu
  soft_margin_loss softmin softshrink  tanhshrink  triplet_margin_loss unfold upsample`;

const OPTIM = `ASGD Adadelta Adamax LBFGS NAdam RAdam Rprop SparseAdam Optimizer`;

const NUMPY = `random linalg     matmul         sort argsort
   median percentile            identity   
empty linspace logspace meshgrid outer cross tile repeat `;

const split = (s: string): Set<string> => new Set(s.split(/\s+/).filter(Boolean));

export const KNOWN: Record<string, Set<string>> = {
  Tensor: split(TENSOR),
  torch: split(TORCH),
  'torch.nn': split(NN),
  'torch.nn.functional': split(FUNCTIONAL),
  'torch.optim': split(OPTIM),
  numpy: split(NUMPY),
};

/** The NotImplementedError message for a real but unsupported API, or null if it is not one. */
export function unsupportedApi(owner: string, name: string): string | null {
  const set = KNOWN[owner];
  if (!set || !set.has(name)) return null;
  const qual = owner === 'Tensor' ? `Tensor.${name}` : `${owner}.${name}`;
  return `${qual} is not supported by Autograd Lens yet`;
}
