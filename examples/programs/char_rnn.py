"""A character-level RNN on Tiny Shakespeare in the style of the classic char-rnn
tutorials: random chunks of text, a CharRNN of Embedding, a 2-layer GRU and a Linear
decoder, the hidden state carried through a chunk, CrossEntropyLoss over the whole
sequence, Adam, clip_grad_norm_, and text sampled one character at a time with
torch.multinomial on the temperature-scaled exp of the output."""
import os
import sys
import time

import torch
import torch.nn as nn

here = os.path.dirname(os.path.abspath(__file__))
path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "data",
                                                          "tinyshakespeare_64k.txt")
with open(path) as f:
    text = f.read()
all_characters = sorted(set(text))
n_characters = len(all_characters)
char_index = {c: i for i, c in enumerate(all_characters)}
chunk_len = 48


def char_tensor(string):
    tensor = torch.zeros(len(string)).long()
    for c in range(len(string)):
        tensor[c] = char_index[string[c]]
    return tensor


def random_training_set(batch_size):
    inp = torch.LongTensor(batch_size, chunk_len)
    target = torch.LongTensor(batch_size, chunk_len)
    for bi in range(batch_size):
        start_index = torch.randint(0, len(text) - chunk_len - 1, ()).item()
        chunk = text[start_index:start_index + chunk_len + 1]
        inp[bi] = char_tensor(chunk[:-1])
        target[bi] = char_tensor(chunk[1:])
    return inp, target


class CharRNN(nn.Module):
    def __init__(self, input_size, hidden_size, output_size, n_layers=1):
        super(CharRNN, self).__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.output_size = output_size
        self.n_layers = n_layers
        self.encoder = nn.Embedding(input_size, hidden_size)
        self.rnn = nn.GRU(hidden_size, hidden_size, n_layers)
        self.decoder = nn.Linear(hidden_size, output_size)

    def forward(self, input, hidden):
        batch_size = input.size(0)
        encoded = self.encoder(input)
        output, hidden = self.rnn(encoded.view(1, batch_size, -1), hidden)
        output = self.decoder(output.view(batch_size, -1))
        return output, hidden

    def init_hidden(self, batch_size):
        return torch.zeros(self.n_layers, batch_size, self.hidden_size)


def train(decoder, decoder_optimizer, criterion, inp, target, batch_size):
    hidden = decoder.init_hidden(batch_size)
    decoder.zero_grad()
    loss = 0
    for c in range(chunk_len):
        output, hidden = decoder(inp[:, c], hidden)
        loss += criterion(output.view(batch_size, -1), target[:, c])
    loss.backward()
    torch.nn.utils.clip_grad_norm_(decoder.parameters(), 5.0)
    decoder_optimizer.step()
    return loss.item() / chunk_len


def generate(decoder, prime_str='A', predict_len=100, temperature=0.8):
    hidden = decoder.init_hidden(1)
    prime_input = char_tensor(prime_str).unsqueeze(0)
    predicted = prime_str
    for p in range(len(prime_str) - 1):
        _, hidden = decoder(prime_input[:, p], hidden)
    inp = prime_input[:, -1]
    for p in range(predict_len):
        output, hidden = decoder(inp, hidden)
        output_dist = output.data.view(-1).div(temperature).exp()
        top_i = torch.multinomial(output_dist, 1)[0]
        predicted_char = all_characters[top_i]
        predicted += predicted_char
        inp = char_tensor(predicted_char).unsqueeze(0)
    return predicted


torch.manual_seed(10)
decoder = CharRNN(n_characters, 64, n_characters, n_layers=2)
decoder_optimizer = torch.optim.Adam(decoder.parameters(), lr=0.01)
criterion = nn.CrossEntropyLoss()
print(decoder)
start = time.time()
loss_avg = 0
n_epochs, print_every = 16, 4
for epoch in range(1, n_epochs + 1):
    loss = train(decoder, decoder_optimizer, criterion, *random_training_set(16), 16)
    loss_avg += loss
    if epoch % print_every == 0:
        print('[(%d %d%%) %.4f]' % (epoch, epoch / n_epochs * 100, loss))
print('average loss %.4f' % (loss_avg / n_epochs))
with torch.no_grad():
    print('sample:')
    print(generate(decoder, 'Wh', 60))
