namespace AutoDiffGen.Generator.Ir;

/// <summary>
/// An expression of a [Differentiable] body: a small recursive tree, pure by construction (assignments are
/// statements). <see cref="Kind"/> is the scalar kind of its value.
/// </summary>
/// <remarks>Cached by the pipeline: immutable and structurally equal; holds no Roslyn objects.</remarks>
internal abstract record IrExpr(ScalarKind Kind);

/// <summary>A numeric or Boolean constant (Booleans are 0 and 1).</summary>
internal sealed record Literal(double Value, ScalarKind Kind) : IrExpr(Kind);

/// <summary>A read of a local, a parameter or a generated variable. For a sequence, <see cref="IrExpr.Kind"/> is its element kind.</summary>
internal sealed record VarRef(string Name, ScalarKind Kind, ValueShape Shape = ValueShape.Scalar) : IrExpr(Kind);

/// <summary><c>Array[Index]</c> on an array or span.</summary>
internal sealed record ElementRef(string Array, IrExpr Index, ScalarKind Kind) : IrExpr(Kind);

/// <summary><c>Array.Length</c>.</summary>
internal sealed record LengthOf(string Array) : IrExpr(ScalarKind.Int32);

/// <summary><c>Tensor.Rows</c>, <c>Tensor.Columns</c> or <c>Tensor.Length</c>: fixed for the tensor's lifetime.</summary>
internal sealed record DimensionOf(string Tensor, TensorDimension Dimension) : IrExpr(ScalarKind.Int32);

/// <summary>The dimensions of a tensor that a body may read.</summary>
internal enum TensorDimension
{
    Rows,
    Columns,
    Length,
}

/// <summary>The unary operators.</summary>
internal enum UnaryOp
{
    Negate,
    Not,
}

/// <summary>A unary operation.</summary>
internal sealed record Unary(UnaryOp Op, IrExpr Operand, ScalarKind Kind) : IrExpr(Kind);

/// <summary>The binary operators. Comparisons and logical operators yield <see cref="ScalarKind.Bool"/>.</summary>
internal enum BinaryOp
{
    Add,
    Subtract,
    Multiply,
    Divide,
    Remainder,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
    Equal,
    NotEqual,
    And,
    Or,
}

/// <summary>A binary operation on two operands of the same kind (the parser makes conversions explicit).</summary>
internal sealed record Binary(BinaryOp Op, IrExpr Left, IrExpr Right, ScalarKind Kind) : IrExpr(Kind);

/// <summary><c>Condition ? WhenTrue : WhenFalse</c>.</summary>
internal sealed record Conditional(IrExpr Condition, IrExpr WhenTrue, IrExpr WhenFalse, ScalarKind Kind) : IrExpr(Kind);

/// <summary>A numeric conversion to <see cref="IrExpr.Kind"/>.</summary>
internal sealed record Cast(IrExpr Operand, ScalarKind Kind) : IrExpr(Kind);

/// <summary>A call to a function of <c>System.Math</c> or <c>System.MathF</c>, printed for <see cref="IrExpr.Kind"/>.</summary>
internal sealed record MathCall(MathFunction Function, EquatableArray<IrExpr> Args, ScalarKind Kind) : IrExpr(Kind);

/// <summary>A parameter of a differentiable callee: its type and whether it has an adjoint in the callee's pullback.</summary>
internal sealed record CalleeParameter(TypeRef Type, bool IsDifferentiable);

/// <summary>
/// A method that a body calls and whose pullback is known: the generated <c>NamePullback</c> of a [Differentiable]
/// method, or a hand-written pullback registered with [DerivativeOf].
/// </summary>
/// <param name="ContainingType">The callee's type, fully qualified with <c>global::</c>.</param>
/// <param name="PullbackType">The pullback's type, fully qualified with <c>global::</c>.</param>
/// <param name="ReturnsTensor">Whether the callee returns a tensor (then its pullback's seed is a tensor).</param>
/// <param name="IntoName">
/// For a tensor primitive, its <c>NameInto(args..., Tensor? destination)</c> if it has one: the same product written
/// into the previous call's tensor when the shape fits.
/// </param>
/// <param name="HasState">
/// Whether the callee is a generated tensor-valued method with <c>NameForward</c>, <c>NameBackward</c> and <c>NameState</c>:
/// its reverse then reuses the values its forward computed instead of recomputing them.
/// </param>
internal sealed record CalleeInfo(
    string ContainingType,
    string Name,
    EquatableArray<CalleeParameter> Parameters,
    ScalarKind ReturnKind,
    string PullbackType,
    string PullbackName,
    bool ReturnsTensor = false,
    bool HasState = false,
    string? IntoName = null)
{
    /// <summary>The generated state type, fully qualified, for a callee with <see cref="HasState"/>.</summary>
    public string StateType => ContainingType + "." + Name + "State";
}

/// <summary>A call to another [Differentiable] method (a sequence argument is always a <see cref="VarRef"/>).</summary>
internal sealed record DiffCall(CalleeInfo Callee, EquatableArray<IrExpr> Args) : IrExpr(Callee.ReturnKind);

/// <summary>
/// Generated code only: <c>NameForward(args..., ref State)</c>, the forward half of a call to a callee with
/// <see cref="CalleeInfo.HasState"/>; the reverse sweep hands <see cref="State"/> to <c>NameBackward</c>.
/// </summary>
internal sealed record ForwardCall(CalleeInfo Callee, EquatableArray<IrExpr> Args, string State) : IrExpr(Callee.ReturnKind);

/// <summary>
/// A call to a static method with no derivative, used as a constant: allowed only where none of its arguments depends
/// on a differentiable parameter (<see cref="Site"/> numbers the call for the diagnostic when one does).
/// </summary>
/// <param name="Callee">The method, fully qualified with <c>global::</c>.</param>
internal sealed record ConstantCall(string Callee, EquatableArray<IrExpr> Args, ScalarKind Kind, int Site) : IrExpr(Kind);

/// <summary><c>new T[Length]</c>; appears only as the value assigned to a local array.</summary>
internal sealed record NewArray(IrExpr Length, ScalarKind Kind) : IrExpr(Kind);

/// <summary>
/// A new zero tensor, <c>Tensor.Zeros(Dimensions...)</c> (one dimension for a vector, two for a matrix) or, with
/// <see cref="Like"/>, <c>Tensor.ZerosLike(Like)</c>; appears only as the value assigned to a local tensor.
/// </summary>
internal sealed record NewTensor(EquatableArray<IrExpr> Dimensions, string? Like) : IrExpr(ScalarKind.Float);

/// <summary>Generated code only: the value on top of a tape, removed.</summary>
internal sealed record TapePop(string Tape, ScalarKind Kind) : IrExpr(Kind);
