/**
 * The parser of Go's text/template/parse (parse.go), ported function for function. It builds no tree:
 * it keeps only what Go's own parse-time checks look at (node kinds, declared variables, range depth,
 * which templates are defined) and throws at the first error, where Go's parser stops too.
 */
import { describeItem, goQuote, Lexer, type Item, type ItemType } from './go-template-lexer';
import { charConstantError, complexError, numberError, stringLiteralError } from './go-template-literals';
import { goUnquote } from './go-strings';

export class GoTemplateSyntaxError extends Error {
  constructor(
    message: string,
    /** Offset in the parsed text (UTF-16 code units) of the token Go was looking at. */
    readonly offset: number,
  ) {
    super(message);
    this.name = 'GoTemplateSyntaxError';
  }
}

/**
 * Parses `text` as text/template's Template.Parse does and throws a GoTemplateSyntaxError at the first
 * error. `name` is the template's own name: a {{define}} of that name with content collides with it;
 * without one, nothing can.
 */
export function parseGoTemplate(
  text: string,
  name: string | undefined,
  functions: ReadonlySet<string>,
): void {
  const session: ParseSession = { lexer: new Lexer(text), functions, treeSet: new Map(), open: [] };
  new Tree(name, session).parse();
}

/** What the trees of one Parse call share: Go's lexer, FuncMaps and treeSet (by template name). */
interface ParseSession {
  readonly lexer: Lexer;
  readonly functions: ReadonlySet<string>;
  readonly treeSet: Map<string, { hasContent: boolean; definedAt: number }>;
  /** The controls waiting for their {{end}}, innermost last: names the culprit of "unexpected EOF". */
  readonly open: { keyword: string; pos: number }[];
}

/** Operand kinds; checkPipeline and operand() refuse some of them in some places. */
type OperandKind =
  'bool' | 'dot' | 'nil' | 'number' | 'string' | 'field' | 'variable' | 'identifier' | 'chain' | 'pipe';
interface Operand {
  kind: OperandKind;
  text: string;
}

/** What textOrAction returns to a list: content decides whether a tree is empty (parse.IsEmptyTree). */
type ListEntry = { kind: 'content' | 'blank' } | { kind: 'end' | 'else'; pos: number };

const OPERAND_STARTS: ReadonlySet<ItemType> = new Set([
  'bool',
  'charConstant',
  'complex',
  'dot',
  'field',
  'identifier',
  'number',
  'nil',
  'rawString',
  'string',
  'variable',
  'leftParen',
]);
/** Only the first command of a pipeline may start with one of these: the others receive a value. */
const NON_EXECUTABLE: ReadonlySet<OperandKind> = new Set(['bool', 'dot', 'nil', 'number', 'string']);
const LITERAL_TERMS: ReadonlySet<OperandKind> = new Set(['bool', 'string', 'number', 'nil', 'dot']);
const MAX_STACK_DEPTH = 10000;
const CONTENT: ListEntry = { kind: 'content' };

class Tree {
  private readonly token: Item[] = [];
  private peekCount = 0;
  private readonly vars: string[] = ['$'];
  private rangeDepth = 0;
  private stackDepth = 0;

  constructor(
    /** Undefined for a top level whose name is unknown: it is then never recorded. */
    private name: string | undefined,
    private readonly session: ParseSession,
    /** Where its {{define}} or {{block}} starts; undefined for the top level. */
    private readonly definedAt?: number,
  ) {}

  // Token stream with three tokens of look-ahead, as Go's.

  private next(): Item {
    if (this.peekCount > 0) this.peekCount -= 1;
    else this.token[0] = this.session.lexer.nextItem();
    return this.token[this.peekCount];
  }

  private backup(): void {
    this.peekCount += 1;
  }

  private backup2(t1: Item): void {
    this.token[1] = t1;
    this.peekCount = 2;
  }

  private backup3(t2: Item, t1: Item): void {
    this.token[1] = t1;
    this.token[2] = t2;
    this.peekCount = 3;
  }

  private peek(): Item {
    if (this.peekCount > 0) return this.token[this.peekCount - 1];
    this.peekCount = 1;
    this.token[0] = this.session.lexer.nextItem();
    return this.token[0];
  }

  private nextNonSpace(): Item {
    let token = this.next();
    while (token.type === 'space') token = this.next();
    return token;
  }

  private peekNonSpace(): Item {
    const token = this.nextNonSpace();
    this.backup();
    return token;
  }

  // Errors.

  private errorAt(pos: number, message: string): never {
    throw new GoTemplateSyntaxError(message, pos);
  }

  /** Go reports the line of the token it read last; that token is the best position there is. */
  private errorf(message: string): never {
    return this.errorAt(this.token[0]?.pos ?? 0, message);
  }

  private unexpected(token: Item, context: string): never {
    if (token.type === 'error') return this.errorAt(token.pos, token.val);
    return this.errorAt(token.pos, `unexpected ${describeItem(token)} in ${context}`);
  }

  private expect(expected: ItemType, context: string): Item {
    const token = this.nextNonSpace();
    if (token.type !== expected) this.unexpected(token, context);
    return token;
  }

  // Trees and lists.

  /** The top level: like itemList, but it also takes {{define}}, and runs to EOF. */
  parse(): void {
    let hasContent = false;
    while (this.peek().type !== 'eof') {
      if (this.peek().type === 'leftDelim') {
        const delim = this.next();
        if (this.nextNonSpace().type === 'define') {
          new Tree('definition', this.session, delim.pos).parseDefinition();
          continue;
        }
        this.backup2(delim);
      }
      const entry = this.textOrAction();
      if (entry.kind === 'end' || entry.kind === 'else')
        this.errorAt(entry.pos, `unexpected {{${entry.kind}}}`);
      hasContent ||= entry.kind === 'content';
    }
    this.add(hasContent);
  }

  /** {{define "name"}} ... {{end}}; the define keyword is past. */
  private parseDefinition(): void {
    const context = 'define clause';
    const token = this.nextNonSpace();
    if (token.type !== 'string' && token.type !== 'rawString') this.unexpected(token, context);
    this.name = this.templateName(token, context);
    this.expect('rightDelim', context);
    const { hasContent, next } = this.itemListOf('define', this.definedAt ?? 0);
    if (next.kind !== 'end') this.errorf(`unexpected {{else}} in ${context}`);
    this.add(hasContent);
  }

  /** Records this tree; two trees of one name with content are an error, an empty one yields. */
  private add(hasContent: boolean): void {
    if (this.name === undefined) return;
    const existing = this.session.treeSet.get(this.name);
    if (existing === undefined || !existing.hasContent) {
      this.session.treeSet.set(this.name, { hasContent, definedAt: this.definedAt ?? 0 });
      return;
    }
    // The top level is added last: then the culprit is the {{define}} that took its name.
    const culprit = this.definedAt ?? existing.definedAt;
    if (hasContent) this.errorAt(culprit, `multiple definition of template ${goQuote(this.name)}`);
  }

  private itemListOf(keyword: string, pos: number): { hasContent: boolean; next: ListEntry } {
    this.session.open.push({ keyword, pos });
    const list = this.itemList();
    this.session.open.pop();
    return list;
  }

  /** textOrAction* up to an {{end}} or {{else}}, which is returned separately. */
  private itemList(): { hasContent: boolean; next: ListEntry } {
    let hasContent = false;
    while (this.peekNonSpace().type !== 'eof') {
      const entry = this.textOrAction();
      if (entry.kind === 'end' || entry.kind === 'else') return { hasContent, next: entry };
      hasContent ||= entry.kind === 'content';
    }
    const unclosed = this.session.open.at(-1);
    if (unclosed) this.errorAt(unclosed.pos, `unexpected EOF: {{${unclosed.keyword}}} has no {{end}}`);
    return this.errorf('unexpected EOF');
  }

  private textOrAction(): ListEntry {
    const token = this.nextNonSpace();
    if (token.type === 'text') return { kind: /^\p{White_Space}*$/u.test(token.val) ? 'blank' : 'content' };
    if (token.type === 'leftDelim') return this.action();
    return this.unexpected(token, 'input');
  }

  // Actions.

  /** The left delimiter is past; the first word may be a keyword. */
  private action(): ListEntry {
    const token = this.nextNonSpace();
    switch (token.type) {
      case 'block':
        return this.blockControl(token.pos);
      case 'break':
      case 'continue':
        return this.loopControl(token.val);
      case 'else':
        return this.elseControl();
      case 'end':
        this.expect('rightDelim', 'end');
        return { kind: 'end', pos: token.pos };
      case 'if':
      case 'range':
      case 'with':
        return this.parseControl(token.type, token.pos);
      case 'template':
        return this.templateControl();
    }
    this.backup();
    // Variables declared here live until the {{end}} of the enclosing control.
    this.pipeline('command', 'rightDelim');
    return CONTENT;
  }

  private loopControl(keyword: string): ListEntry {
    const token = this.nextNonSpace();
    if (token.type !== 'rightDelim') this.unexpected(token, `{{${keyword}}}`);
    if (this.rangeDepth === 0) this.errorf(`{{${keyword}}} outside {{range}}`);
    return CONTENT;
  }

  /** if, range and with: pipeline, list, optional else list (or else-if / else-with chain), end. */
  private parseControl(context: 'if' | 'range' | 'with', pos: number): ListEntry {
    const declaredBefore = this.vars.length;
    this.pipeline(context, 'rightDelim');
    if (context === 'range') this.rangeDepth += 1;
    const { next } = this.itemListOf(context, pos);
    if (context === 'range') this.rangeDepth -= 1;
    if (next.kind === 'else') {
      // {{else if ...}} is {{else}}{{if ...}}...{{end}}{{end}} with the last {{end}} implied.
      const chained = this.peek();
      if ((context === 'if' || context === 'with') && chained.type === context) {
        this.next();
        this.parseControl(context, chained.pos);
      } else {
        const elseList = this.itemListOf(context, pos);
        if (elseList.next.kind !== 'end') this.errorf('expected end; found {{else}}');
      }
    }
    this.vars.length = declaredBefore;
    return CONTENT;
  }

  private elseControl(): ListEntry {
    // {{else if}} and {{else with}}: leave the keyword for parseControl.
    const peeked = this.peekNonSpace();
    if (peeked.type === 'if' || peeked.type === 'with') return { kind: 'else', pos: peeked.pos };
    const token = this.expect('rightDelim', 'else');
    return { kind: 'else', pos: token.pos };
  }

  /** {{block "name" pipeline}} ... {{end}}: defines the template and executes it in place. */
  private blockControl(pos: number): ListEntry {
    const context = 'block clause';
    const name = this.templateName(this.nextNonSpace(), context);
    this.pipeline(context, 'rightDelim');
    const block = new Tree(name, this.session, pos);
    const { hasContent, next } = block.itemListOf('block', pos);
    if (next.kind !== 'end') this.errorf(`unexpected {{else}} in ${context}`);
    block.add(hasContent);
    return CONTENT;
  }

  private templateControl(): ListEntry {
    const context = 'template clause';
    this.templateName(this.nextNonSpace(), context);
    if (this.nextNonSpace().type !== 'rightDelim') {
      this.backup();
      this.pipeline(context, 'rightDelim');
    }
    return CONTENT;
  }

  private templateName(token: Item, context: string): string {
    if (token.type !== 'string' && token.type !== 'rawString') return this.unexpected(token, context);
    const error = stringLiteralError(token.val);
    if (error) this.errorAt(token.pos, error);
    const body = token.val.slice(1, -1);
    if (token.type === 'rawString') return body.replaceAll('\r', '');
    const name = goUnquote(body, { rawBytes: 'latin1' });
    return typeof name === 'string' ? name : body;
  }

  // Pipelines, commands, operands.

  /** declarations? command ('|' command)* up to `end`. */
  private pipeline(context: string, end: ItemType): void {
    this.declarations(context);
    const firstOperands: OperandKind[] = [];
    for (;;) {
      const token = this.nextNonSpace();
      if (token.type === end) {
        if (firstOperands.length === 0) this.errorf(`missing value for ${context}`);
        const stage = firstOperands.findIndex((kind, i) => i > 0 && NON_EXECUTABLE.has(kind));
        if (stage > 0) this.errorf(`non executable command in pipeline stage ${stage + 1}`);
        return;
      }
      if (!OPERAND_STARTS.has(token.type)) this.unexpected(token, context);
      this.backup();
      firstOperands.push(this.command());
    }
  }

  /** `$x :=`, `$x =`, and in range `$i, $v :=`; the declared names join the variables in scope. */
  private declarations(context: string): void {
    let declared = 0;
    for (;;) {
      const variable = this.peekNonSpace();
      if (variable.type !== 'variable') return;
      this.next();
      // "$x foo" versus "$x := foo": the token after the variable decides, so keep it to push back.
      const tokenAfterVariable = this.peek();
      const following = this.peekNonSpace();
      if (following.type === 'assign' || following.type === 'declare') {
        this.nextNonSpace();
        this.vars.push(variable.val);
        return;
      }
      if (following.type === 'char' && following.val === ',') {
        this.nextNonSpace();
        this.vars.push(variable.val);
        declared += 1;
        if (context === 'range' && declared < 2) {
          const second = this.peekNonSpace().type;
          if (second === 'variable' || second === 'rightDelim' || second === 'rightParen') continue;
          this.errorf('range can only initialize variables');
        }
        this.errorf(`too many declarations in ${context}`);
      }
      if (tokenAfterVariable.type === 'space') this.backup3(variable, tokenAfterVariable);
      else this.backup2(variable);
      return;
    }
  }

  /** Space-separated operands up to a pipe (consumed) or a right delimiter or paren (left). */
  private command(): OperandKind {
    let first: OperandKind | undefined;
    for (;;) {
      this.peekNonSpace();
      const operand = this.operand();
      first ??= operand?.kind;
      const token = this.next();
      if (token.type === 'space') continue;
      if (token.type === 'rightDelim' || token.type === 'rightParen') this.backup();
      else if (token.type !== 'pipe') this.unexpected(token, 'operand');
      break;
    }
    return first ?? this.errorf('empty command');
  }

  /** A term followed by field accesses: `.a.b`, `$x.y`, `(pipeline).f`. */
  private operand(): Operand | undefined {
    const node = this.term();
    if (!node || this.peek().type !== 'field') return node;
    let chain = node.text;
    while (this.peek().type === 'field') chain += this.next().val;
    if (node.kind === 'field' || node.kind === 'variable') return { kind: node.kind, text: chain };
    if (LITERAL_TERMS.has(node.kind)) this.errorf(`unexpected . after term ${goQuote(node.text)}`);
    return { kind: 'chain', text: chain };
  }

  private term(): Operand | undefined {
    const token = this.nextNonSpace();
    switch (token.type) {
      case 'identifier':
        if (!this.session.functions.has(token.val))
          this.errorAt(token.pos, `function ${goQuote(token.val)} not defined`);
        return { kind: 'identifier', text: token.val };
      case 'dot':
        return { kind: 'dot', text: '.' };
      case 'nil':
        return { kind: 'nil', text: 'nil' };
      case 'variable':
        if (!this.vars.includes(token.val))
          this.errorAt(token.pos, `undefined variable ${goQuote(token.val)}`);
        return { kind: 'variable', text: token.val };
      case 'field':
        return { kind: 'field', text: token.val };
      case 'bool':
        return { kind: 'bool', text: token.val };
      case 'charConstant':
      case 'complex':
      case 'number': {
        const check = { charConstant: charConstantError, complex: complexError, number: numberError }[
          token.type
        ];
        const error = check(token.val);
        if (error) this.errorAt(token.pos, error);
        return { kind: 'number', text: token.val };
      }
      case 'leftParen':
        if (this.stackDepth >= MAX_STACK_DEPTH) this.errorf('max expression depth exceeded');
        this.stackDepth += 1;
        this.pipeline('parenthesized pipeline', 'rightParen');
        this.stackDepth -= 1;
        return { kind: 'pipe', text: '(...)' };
      case 'string':
      case 'rawString': {
        const error = stringLiteralError(token.val);
        if (error) this.errorAt(token.pos, error);
        return { kind: 'string', text: token.val };
      }
    }
    this.backup();
    return undefined;
  }
}
