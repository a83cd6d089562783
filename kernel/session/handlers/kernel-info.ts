import type { LanguageFacts } from '../../interpreter/interpreter';
import type { KernelInfoReply } from '../../wire/content';
import { PROTOCOL_VERSION } from '../../wire/message';
import type { Handler } from '../request';

/**
 * The optional protocol features (JEP 92) the session implements: subshells
 * (JEP 91), and the debugger (JEP 47) when the interpreter has one.
 */
export const SUPPORTED_FEATURES = ['kernel subshells'];
const DEBUGGER_FEATURE = 'debugger';

/** The session's part of kernel_info (protocol, status) around the interpreter's facts about its language. */
export function kernelInfoReply(facts: LanguageFacts, hasDebugger = false): KernelInfoReply {
  const { language } = facts;
  return {
    status: 'ok',
    protocol_version: PROTOCOL_VERSION,
    implementation: facts.implementation,
    implementation_version: facts.implementationVersion,
    language_info: {
      name: language.name,
      version: language.version,
      mimetype: language.mimetype,
      file_extension: language.fileExtension,
      pygments_lexer: language.pygmentsLexer,
      codemirror_mode: language.codemirrorMode,
    },
    banner: facts.banner,
    help_links: facts.helpLinks.map(({ text, url }) => ({ text, url })),
    debugger: hasDebugger,
    supported_features: hasDebugger ? [...SUPPORTED_FEATURES, DEBUGGER_FEATURE] : SUPPORTED_FEATURES,
  };
}

export const kernelInfoRequest: Handler<'kernel_info_request'> = async (request, kernel) => {
  await request.reply('kernel_info_reply', kernelInfoReply(kernel.interpreter.languageFacts(), kernel.interpreter.hasDebugger));
  kernel.interpreter.prepare();
};
