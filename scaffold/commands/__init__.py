"""One core function per command: values in, a plan or a result out; nothing here prints."""
