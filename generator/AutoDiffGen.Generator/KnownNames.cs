namespace AutoDiffGen.Generator;

/// <summary>Metadata names the generator looks for and names it writes into generated code.</summary>
internal static class KnownNames
{
    public const string DifferentiableAttribute = "AutoDiffGen.DifferentiableAttribute";
    public const string NoDerivativeAttribute = "AutoDiffGen.NoDerivativeAttribute";
    public const string DerivativeOfAttribute = "AutoDiffGen.DerivativeOfAttribute";
    public const string Tensor = "AutoDiffGen.Tensors.Tensor";
    public const string TensorType = "global::AutoDiffGen.Tensors.Tensor";
    public const string Mask = "global::AutoDiffGen.CompilerServices.Mask";
    public const string TensorSpans = "global::AutoDiffGen.CompilerServices.TensorSpans";
    public const string TensorReuse = "global::AutoDiffGen.CompilerServices.TensorReuse";
    public const string LazyClear = "global::AutoDiffGen.CompilerServices.LazyClear";
    public const string Tape = "global::AutoDiffGen.CompilerServices.Tape";
    public const string GradientGuards = "global::AutoDiffGen.CompilerServices.GradientGuards";
    public const string ScratchAdjoint = "global::AutoDiffGen.CompilerServices.ScratchAdjoint";
    public const string Span = "global::System.Span";
    public const string ReadOnlySpan = "global::System.ReadOnlySpan";
}

/// <summary>Names of the tracked pipeline steps, for incremental tests.</summary>
internal static class TrackingNames
{
    public const string Parse = nameof(Parse);
    public const string Diagnostics = nameof(Diagnostics);
    public const string Methods = nameof(Methods);
    public const string Emit = nameof(Emit);

    public static readonly string[] All = [Parse, Diagnostics, Methods, Emit];
}
