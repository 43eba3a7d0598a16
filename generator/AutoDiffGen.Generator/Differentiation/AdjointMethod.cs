using AutoDiffGen.Generator.Ir;

namespace AutoDiffGen.Generator.Differentiation;

/// <summary>
/// A differentiable parameter and the name of its adjoint in the generated signatures. A scalar's adjoint is
/// accumulated in a local of that name and handed out at the end through <see cref="CoreOutName"/>, since a local
/// stays in a register where an <c>out</c> parameter would go through memory on every <c>+=</c>.
/// </summary>
internal sealed record AdjointParameter(string PrimalName, string AdjointName, TypeRef PrimalType, string CoreOutName);

/// <summary>A tape the generated method keeps, with the element type it stores.</summary>
internal sealed record TapeInfo(string Name, string ElementType);

/// <summary>
/// The reverse-mode program for one method: the instrumented forward sweep, the reverse sweep and every name they
/// use. A tensor-valued method's reverse sweep starts from its result's adjoint, which <see cref="PullbackSeeding"/>
/// sets from the seed in <c>Pullback</c> (copying it when the sweep writes it) and <see cref="BackwardSeeding"/> in
/// <c>Backward</c>. The emitter turns it into <c>FGradient</c>, <c>FPullback</c> and the private method both call.
/// </summary>
/// <remarks>Cached by the pipeline: plain data only.</remarks>
internal sealed record AdjointMethod(
    MethodIr Primal,
    string CoreName,
    string SeedName,
    string ResultName,
    EquatableArray<AdjointParameter> Adjoints,
    EquatableArray<LocalInfo> Locals,
    EquatableArray<LocalInfo> AdjointLocals,
    EquatableArray<TapeInfo> Tapes,
    EquatableArray<IrStmt> Forward,
    EquatableArray<IrStmt> Reverse,
    EquatableArray<IrStmt> PullbackSeeding,
    EquatableArray<IrStmt> BackwardSeeding);
