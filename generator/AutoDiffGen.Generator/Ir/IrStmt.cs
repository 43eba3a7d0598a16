namespace AutoDiffGen.Generator.Ir;

/// <summary>
/// A statement of a [Differentiable] body, or of generated code. The parser produces the structured forms
/// (<see cref="Return"/>, <see cref="Break"/>, <see cref="Continue"/> and <see cref="Loop"/> included); the
/// differentiator lowers jumps to flags and adds tape and adjoint statements.
/// </summary>
/// <remarks>Cached by the pipeline: immutable and structurally equal; holds no Roslyn objects.</remarks>
internal abstract record IrStmt;

/// <summary>A local variable. The emitter declares every local once, at the top of the method.</summary>
internal sealed record LocalInfo(string Name, TypeRef Type);

/// <summary>
/// <c>Target = Value</c> or, with <see cref="Index"/>, <c>Target[Index] = Value</c>. <see cref="Declares"/> marks the
/// initializer of a local's declaration, before which the local holds nothing anyone reads.
/// </summary>
internal sealed record Assign(string Target, IrExpr? Index, IrExpr Value, bool Declares = false) : IrStmt;

/// <summary>Generated code only: <c>Target += Value</c> or <c>Target[Index] += Value</c>.</summary>
internal sealed record Accumulate(string Target, IrExpr? Index, IrExpr Value) : IrStmt;

/// <summary>Generated code only: a temporary declared where it is computed, <c>var Name = Value</c>.</summary>
internal sealed record Define(string Name, ScalarKind Kind, IrExpr Value) : IrStmt;

/// <summary><c>if (Condition) Then else Else</c>.</summary>
internal sealed record If(IrExpr Condition, EquatableArray<IrStmt> Then, EquatableArray<IrStmt> Else) : IrStmt;

/// <summary>
/// A loop: while <see cref="Condition"/> holds, run <see cref="Body"/> then <see cref="Step"/> (a for loop's
/// incrementors). With <see cref="TestFirst"/> false the body runs once before the first test (do-while).
/// </summary>
internal sealed record Loop(IrExpr Condition, EquatableArray<IrStmt> Body, EquatableArray<IrStmt> Step, bool TestFirst) : IrStmt;

/// <summary>
/// A counting loop <c>for (Index = From; Index &lt; To; Index++)</c> (or counting down with <see cref="Descending"/>:
/// <c>for (Index = From; Index &gt;= To; Index--)</c>) whose index the body never assigns and whose bounds it never changes,
/// so its reverse needs no tape.
/// </summary>
internal sealed record ForRange(string Index, IrExpr From, IrExpr To, bool Descending, EquatableArray<IrStmt> Body) : IrStmt;

/// <summary><c>return Value</c>.</summary>
internal sealed record Return(IrExpr Value) : IrStmt;

/// <summary><c>break</c>.</summary>
internal sealed record Break : IrStmt;

/// <summary><c>continue</c>.</summary>
internal sealed record Continue : IrStmt;

/// <summary>Generated code only: <c>Tape.Push(Value)</c>.</summary>
internal sealed record TapePush(string Tape, IrExpr Value) : IrStmt;

/// <summary>
/// Generated code only: <c>PullbackName(args..., seed, adjoints...)</c> or, with <see cref="State"/>,
/// <c>NameBackward(state, seed, adjoints...)</c>, which reads the arguments and the forward's values from the state.
/// </summary>
internal sealed record PullbackCall(CalleeInfo Callee, EquatableArray<IrExpr> Args, IrExpr Seed, EquatableArray<AdjointArg> Adjoints, string? State = null) : IrStmt;

/// <summary>How a pullback call receives one adjoint: by <c>ref</c> to a scalar variable, or a span expression.</summary>
internal sealed record AdjointArg(string Text, bool IsRef);

/// <summary>Generated code only: a comment line, such as the primal statement a block of adjoint code belongs to.</summary>
internal sealed record Comment(string Text) : IrStmt;
